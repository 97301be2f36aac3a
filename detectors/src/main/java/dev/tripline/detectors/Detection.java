package dev.tripline.detectors;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule fired for one key. Carries its provenance so that an operator can see why it fired.
 *
 * @param id deterministic id: the same rule version, key and triggering events give the same id
 * @param ruleId the rule that fired
 * @param ruleVersion that rule's version
 * @param key the group-by field values, in the rule's group-by order, e.g. {@code {ip=203.0.113.7}}
 * @param windowStart event time of the oldest event counted (velocity: of the earlier point)
 * @param windowEnd event time of the event that crossed the threshold (velocity: of the later
 *     point)
 * @param count how many events (or distinct values) were counted; for a velocity rule, the 2 points
 * @param values the measurements that made the rule fire, by name, flat (numbers and strings): a
 *     threshold gives {@code count}; a velocity rule {@code speedKmh}, {@code distanceM}, {@code
 *     seconds} and the two points' {@code fromLat}, {@code fromLon}, {@code toLat}, {@code toLon}
 * @param eventIds ids of the events counted, oldest first (at most {@link #MAX_EVENT_IDS}, keeping
 *     the first and the newest)
 * @param firstEventId id of the oldest event counted
 * @param lastEventId id of the event that crossed the threshold
 * @param detectedAt wall-clock time of the detection, from the engine's clock
 * @param destinations the rule's {@code notify:} destination ids
 * @param severity the rule's severity, e.g. {@code medium}
 * @param labels the rule's labels, in file order
 * @param latestEvent a bounded summary of the latest event behind the detection (see {@link
 *     EventSummary}): threshold, the event that crossed the threshold; velocity, the point that
 *     arrived last; absence, the latest start; sequence, the latest step. Its id is {@code
 *     lastEventId}, except for a velocity point that arrived out of order (then it is the earlier
 *     point, {@code firstEventId}). Null only for detections made before summaries existed
 */
public record Detection(
    String id,
    String ruleId,
    String ruleVersion,
    Map<String, Object> key,
    Instant windowStart,
    Instant windowEnd,
    int count,
    Map<String, Object> values,
    List<String> eventIds,
    String firstEventId,
    String lastEventId,
    Instant detectedAt,
    List<String> destinations,
    String severity,
    Map<String, String> labels,
    EventSummary latestEvent) {

  /** The most event ids a detection lists. */
  public static final int MAX_EVENT_IDS = 100;

  public Detection {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ruleId, "ruleId");
    key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    eventIds = List.copyOf(eventIds);
    destinations = List.copyOf(destinations);
    Objects.requireNonNull(severity, "severity");
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }

  /** A detection without an event summary. */
  public Detection(
      String id,
      String ruleId,
      String ruleVersion,
      Map<String, Object> key,
      Instant windowStart,
      Instant windowEnd,
      int count,
      Map<String, Object> values,
      List<String> eventIds,
      String firstEventId,
      String lastEventId,
      Instant detectedAt,
      List<String> destinations,
      String severity,
      Map<String, String> labels) {
    this(
        id,
        ruleId,
        ruleVersion,
        key,
        windowStart,
        windowEnd,
        count,
        values,
        eventIds,
        firstEventId,
        lastEventId,
        detectedAt,
        destinations,
        severity,
        labels,
        null);
  }

  /** The latest event's summary, if this detection carries one. */
  public Optional<EventSummary> latest() {
    return Optional.ofNullable(latestEvent);
  }
}
