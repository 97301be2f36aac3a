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
 */
public record ThresholdSpec(
    List<String> groupBy, int count, Optional<String> distinct, Duration within)
    implements DetectorSpec {

  public ThresholdSpec {
    groupBy = List.copyOf(groupBy);
    distinct = distinct == null ? Optional.empty() : distinct;
  }

  @Override
  public String kind() {
    return "threshold";
  }
}
