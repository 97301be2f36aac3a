package dev.tripline.handlers.segment;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one request's {@code identify} calls say about one user: the traits to merge into the user's
 * profile (later calls of the request win per trait) and the event times they cover.
 *
 * @param userId the user, never {@code null}
 * @param traits traits to set, top-level keys merged into the stored ones; plain Java values as in
 *     {@link dev.tripline.rules.Event#properties()}
 * @param firstSeen the earliest event time of the calls
 * @param lastSeen the latest event time of the calls
 */
public record ProfileUpdate(
    String userId, Map<String, Object> traits, Instant firstSeen, Instant lastSeen) {

  public ProfileUpdate {
    Objects.requireNonNull(userId, "userId");
    // not Map.copyOf: a trait may be JSON null
    traits = Collections.unmodifiableMap(new LinkedHashMap<>(traits));
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }
}
