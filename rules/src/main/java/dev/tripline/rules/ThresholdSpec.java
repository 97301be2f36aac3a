package dev.tripline.rules;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A sliding-window count over event time: fires when a key has {@code count} matching events (or
 * {@code count} distinct values of {@code distinct}) within {@code within}.
 *
 * @param groupBy event field paths that form the key, e.g. {@code [ip]}; an event lacking any of
 *     them is skipped by the rule
 * @param count how many (distinct) events fire the rule, at least 1
 * @param distinct a field path whose distinct values are counted instead of events
 * @param within window length, greater than zero
 * @param onFire what happens to the key's window when the rule fires
 */
public record ThresholdSpec(
    List<String> groupBy, int count, Optional<String> distinct, Duration within, OnFire onFire)
    implements DetectorSpec {

  /** {@code on_fire}: what a detection does to the window that made it. */
  public enum OnFire {
    /** The window is cleared: the next detection needs {@code count} fresh events. */
    RESET,
    /**
     * The window keeps its events: the next matching event fires again while the window still holds
     * {@code count} of them, once the cooldown allows.
     */
    KEEP
  }

  public ThresholdSpec {
    groupBy = List.copyOf(groupBy);
    distinct = distinct == null ? Optional.empty() : distinct;
    onFire = onFire == null ? OnFire.RESET : onFire;
  }

  /** A spec with {@code on_fire: reset}, the default. */
  public ThresholdSpec(
      List<String> groupBy, int count, Optional<String> distinct, Duration within) {
    this(groupBy, count, distinct, within, OnFire.RESET);
  }

  @Override
  public List<String> keyFields() {
    return groupBy;
  }

  @Override
  public String kind() {
    return "threshold";
  }
}
