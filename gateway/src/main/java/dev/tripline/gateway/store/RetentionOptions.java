package dev.tripline.gateway.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How long events are kept.
 *
 * @param interval how often old events are deleted
 * @param maxAge events received longer ago than this are deleted
 */
public record RetentionOptions(Duration interval, Duration maxAge) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);

  public RetentionOptions {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(maxAge, "maxAge");
    if (interval.toMillis() <= 0) {
      throw new IllegalArgumentException("interval: must be >= 1ms, was " + interval);
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge: must be > 0s, was " + maxAge);
    }
  }

  /** Every hour, keep 30 days. */
  public static RetentionOptions defaults() {
    return new RetentionOptions(DEFAULT_INTERVAL, DEFAULT_MAX_AGE);
  }
}
