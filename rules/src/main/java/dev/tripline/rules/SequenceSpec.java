package dev.tripline.rules;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A funnel: ordered steps that one key should go through within a time span. Fires when a key
 * completes every step in time ({@link FireOn#COMPLETE}), or when it drops off: the span runs out
 * while the key waits at one of the {@code atStep} steps ({@link FireOn#TIMEOUT_AT_STEP}).
 *
 * @param steps the events of each step, in order; 2 to 20 of them
 * @param correlateBy event field paths that form the key, e.g. {@code [userId]}; an event lacking
 *     any of them is skipped by the rule
 * @param within how long after the first step (in event time) the last one must have happened,
 *     greater than zero
 * @param fireOn what fires: completion or a drop-off
 * @param atStep with {@link FireOn#TIMEOUT_AT_STEP}: the 1-based numbers of the missing steps whose
 *     timeout fires (each in 2..number of steps; default the last step); empty with {@link
 *     FireOn#COMPLETE}
 */
public record SequenceSpec(
    List<EventFilter> steps,
    List<String> correlateBy,
    Duration within,
    FireOn fireOn,
    Set<Integer> atStep)
    implements DetectorSpec {

  /** {@code fire_on}: which outcome of a sequence makes a detection. */
  public enum FireOn {
    /** Every step happened in order within the span. */
    COMPLETE,
    /** The span ran out with the next step (one of {@code at_step}) missing: a drop-off. */
    TIMEOUT_AT_STEP
  }

  public SequenceSpec {
    steps = List.copyOf(steps);
    correlateBy = List.copyOf(correlateBy);
    fireOn = fireOn == null ? FireOn.COMPLETE : fireOn;
    if (atStep == null) {
      atStep = fireOn == FireOn.TIMEOUT_AT_STEP ? Set.of(steps.size()) : Set.of();
    } else {
      atStep = Set.copyOf(atStep);
    }
  }

  /** A spec that fires on completion. */
  public SequenceSpec(List<EventFilter> steps, List<String> correlateBy, Duration within) {
    this(steps, correlateBy, within, FireOn.COMPLETE, null);
  }

  @Override
  public List<String> keyFields() {
    return correlateBy;
  }

  @Override
  public String kind() {
    return "sequence";
  }

  /** The types of all steps, or every type when any step takes any type. */
  @Override
  public java.util.Map<String, Set<String>> partTypes() {
    java.util.Map<String, Set<String>> parts = new java.util.LinkedHashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      parts.put("steps[" + i + "]", steps.get(i).on());
    }
    return parts;
  }

  @Override
  public Set<String> types() {
    Set<String> types = new HashSet<>();
    for (EventFilter step : steps) {
      if (step.on().isEmpty()) {
        return Set.of();
      }
      types.addAll(step.on());
    }
    return Set.copyOf(types);
  }
}
