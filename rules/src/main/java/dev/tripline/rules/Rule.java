package dev.tripline.rules;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One validated detection rule, as loaded from a YAML rule file.
 *
 * @param id unique rule id
 * @param version the author's {@code version:}, or {@code fingerprint} when absent, so that a
 *     changed rule is a new version
 * @param fingerprint a hash of what the rule does (on, where, detect, cooldown, notify), whatever
 *     its {@code version:} says: a reload keeps a rule's detector state only when its id, version
 *     and fingerprint are all unchanged (description, severity and labels are metadata, and
 *     new_keys governs only keys not held yet; they may change without a reset)
 * @param description free text, may be empty
 * @param on event types the rule looks at; empty means every type
 * @param where an optional filter; {@link Condition#ALWAYS} when absent
 * @param detector what to detect
 * @param cooldown quiet period per rule and key after a detection; {@link Duration#ZERO} for none
 * @param destinations the {@code notify:} destination ids to deliver detections to
 * @param severity how much its detections matter; {@link Severity#DEFAULT} when not given
 * @param labels free key-value pairs copied onto every detection (team, channel, ...), in file
 *     order
 * @param newKeys which events may open state for a key the rule holds nothing for, and how fast;
 *     {@link NewKeys#ANY} when not given
 * @param origin where the rule was defined, for messages
 */
public record Rule(
    String id,
    String version,
    String fingerprint,
    String description,
    Set<String> on,
    Condition where,
    DetectorSpec detector,
    Duration cooldown,
    List<String> destinations,
    Severity severity,
    Map<String, String> labels,
    NewKeys newKeys,
    SourcePosition origin) {

  public Rule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(fingerprint, "fingerprint");
    description = description == null ? "" : description;
    on = Set.copyOf(on);
    where = where == null ? Condition.ALWAYS : where;
    Objects.requireNonNull(detector, "detector");
    cooldown = cooldown == null ? Duration.ZERO : cooldown;
    destinations = List.copyOf(destinations);
    severity = severity == null ? Severity.DEFAULT : severity;
    labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    newKeys = newKeys == null ? NewKeys.ANY : newKeys;
  }

  /**
   * The event types this rule looks at: its {@code on}, narrowed to the types its detector's parts
   * name (an absence rule's {@code start} and {@code cancel}); empty means every type.
   */
  public Set<String> types() {
    Set<String> detectorTypes = detector.types();
    if (on.isEmpty()) {
      return detectorTypes;
    }
    if (detectorTypes.isEmpty()) {
      return on;
    }
    Set<String> both = new java.util.HashSet<>(on);
    both.retainAll(detectorTypes);
    return Set.copyOf(both);
  }

  /** Whether this rule looks at events of the given type. */
  public boolean appliesTo(String type) {
    Set<String> types = types();
    return types.isEmpty() || types.contains(type);
  }
}
