package dev.tripline.rules;

import dev.tripline.rules.yaml.YamlMapping;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a rule's {@code new_keys: {on, where, rate, per, burst}} into {@link NewKeys}: an event
 * filter, as a detector part's, and a token bucket.
 */
final class NewKeysReader {

  static final Set<String> FIELDS = Set.of("on", "where", "rate", "per", "burst");

  /** Beyond this a rate is no limit; far beyond it, a typo. */
  static final double MAX_RATE = 1_000_000_000;

  static final int MAX_BURST = 100_000_000;

  private NewKeysReader() {}

  /**
   * @param filters reads {@code on} and {@code where} of the mapping (its other keys left alone)
   * @return the admission, or empty when any field is invalid (and reported)
   */
  static Optional<NewKeys> read(YamlMapping m, DetectorReader.FilterReader filters) {
    int before = m.document().problems().size();
    m.rejectUnknownKeys(FIELDS);
    if (m.keys().isEmpty()) {
      m.document().problems().add(m.position(), m.path(), "must have on, where or rate");
      return Optional.empty();
    }
    Optional<EventFilter> admit = filters.read(m);
    Optional<NewKeyRate> rate = m.has("rate") ? rate(m) : Optional.empty();
    for (String part : new String[] {"per", "burst"}) {
      if (m.has(part) && !m.has("rate")) {
        m.reportKey(part, "is only allowed with rate");
      }
    }
    if (m.document().problems().size() > before || admit.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new NewKeys(admit.get(), rate));
  }

  private static Optional<NewKeyRate> rate(YamlMapping m) {
    Optional<Double> rate =
        m.requiredNumber("rate", 0, MAX_RATE).filter(r -> m.check("rate", r > 0, "must be > 0"));
    Optional<Duration> per =
        m.has("per")
            ? m.optionalDuration("per").filter(d -> m.check("per", !d.isZero(), "must be > 0s"))
            : Optional.of(Duration.ofSeconds(1));
    Optional<Integer> burst = m.optionalInt("burst", 1, MAX_BURST);
    if (rate.isEmpty() || per.isEmpty()) {
      return Optional.empty();
    }
    // an invalid burst is reported, and the caller drops the whole admission
    return Optional.of(
        new NewKeyRate(rate.get(), per.get(), burst.orElse(NewKeyRate.defaultBurst(rate.get()))));
  }
}
