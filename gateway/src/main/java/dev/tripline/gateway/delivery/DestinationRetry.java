package dev.tripline.gateway.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A destination's own retry settings, each replacing the gateway-wide one ({@code
 * delivery.retry-schedule}, {@code delivery.disable-after}) when present.
 *
 * @param schedule the waits before each retry (the first attempt is immediate); empty for the
 *     gateway's
 * @param disableAfter how long the destination may fail without a success before it is disabled;
 *     zero never disables; empty for the gateway's
 */
public record DestinationRetry(Optional<List<Duration>> schedule, Optional<Duration> disableAfter) {

  /** No overrides: the gateway-wide settings apply. */
  public static final DestinationRetry DEFAULTS =
      new DestinationRetry(Optional.empty(), Optional.empty());

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException naming the field, the value and the constraint
   */
  public DestinationRetry {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(disableAfter, "disableAfter");
    schedule = schedule.map(List::copyOf);
    schedule.ifPresent(
        waits -> {
          List<String> problems = RetryPolicy.validateSchedule(waits);
          if (!problems.isEmpty()) {
            throw new IllegalArgumentException("retry." + String.join("; retry.", problems));
          }
        });
    if (disableAfter.filter(Duration::isNegative).isPresent()) {
      throw new IllegalArgumentException("disable_after: must be >= 0s, was " + disableAfter.get());
    }
  }

  /** The policy for this destination: {@code base} with this schedule and disable-after, if set. */
  public RetryPolicy policy(RetryPolicy base) {
    RetryPolicy withSchedule = schedule.map(base::withSchedule).orElse(base);
    return disableAfter.map(withSchedule::withDisableAfter).orElse(withSchedule);
  }
}
