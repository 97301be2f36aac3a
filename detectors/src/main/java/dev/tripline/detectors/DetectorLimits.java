package dev.tripline.detectors;

/**
 * Memory bounds for detector state, so that a flood of distinct keys (one per spoofed IP, say)
 * costs a bounded amount of memory and evicts the least recently used keys instead of exhausting
 * the heap.
 *
 * @param maxKeysPerRule the most keys one rule keeps state for, at least 1; default {@value
 *     #DEFAULT_MAX_KEYS_PER_RULE}
 */
public record DetectorLimits(int maxKeysPerRule) {

  /** Default for {@link #maxKeysPerRule()}. */
  public static final int DEFAULT_MAX_KEYS_PER_RULE = 100_000;

  public DetectorLimits {
    if (maxKeysPerRule < 1) {
      throw new IllegalArgumentException("maxKeysPerRule: must be >= 1, was " + maxKeysPerRule);
    }
  }

  /** The limits used when the operator configures none. */
  public static DetectorLimits defaults() {
    return new DetectorLimits(DEFAULT_MAX_KEYS_PER_RULE);
  }
}
