package dev.tripline.detectors;

/**
 * Memory bounds for detector state, so that a flood of distinct keys (one per spoofed IP, say)
 * costs a bounded amount of memory and evicts the least recently used keys instead of exhausting
 * the heap.
 *
 * <p>Timers are bounded separately and refused, not evicted, when full: a timer is a promise to
 * fire, and dropping the oldest would break it silently (a refusal is reported instead).
 *
 * @param maxKeysPerRule the most keys one rule keeps window state for, at least 1; default {@value
 *     #DEFAULT_MAX_KEYS_PER_RULE}
 * @param maxTimersPerRule the most pending timers one rule keeps, at least 1; default {@value
 *     #DEFAULT_MAX_TIMERS_PER_RULE}
 */
public record DetectorLimits(int maxKeysPerRule, int maxTimersPerRule) {

  /** Default for {@link #maxKeysPerRule()}. */
  public static final int DEFAULT_MAX_KEYS_PER_RULE = 100_000;

  /** Default for {@link #maxTimersPerRule()}. */
  public static final int DEFAULT_MAX_TIMERS_PER_RULE = 1_000_000;

  public DetectorLimits {
    if (maxKeysPerRule < 1) {
      throw new IllegalArgumentException("maxKeysPerRule: must be >= 1, was " + maxKeysPerRule);
    }
    if (maxTimersPerRule < 1) {
      throw new IllegalArgumentException("maxTimersPerRule: must be >= 1, was " + maxTimersPerRule);
    }
  }

  /** Limits with the default {@link #maxTimersPerRule()}. */
  public DetectorLimits(int maxKeysPerRule) {
    this(maxKeysPerRule, DEFAULT_MAX_TIMERS_PER_RULE);
  }

  /** The limits used when the operator configures none. */
  public static DetectorLimits defaults() {
    return new DetectorLimits(DEFAULT_MAX_KEYS_PER_RULE, DEFAULT_MAX_TIMERS_PER_RULE);
  }
}
