package dev.tripline.detectors;

import dev.tripline.rules.ConditionException;
import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;

/**
 * What the detection engine tells the outside world about things that are not detections: the
 * gateway counts them in metrics and logs them. The engine stays free of logging and metrics
 * libraries, and tests can assert on these calls.
 *
 * <p>Called on the engine's thread, synchronously: implementations must be quick and must not
 * throw.
 */
public interface EngineObserver {

  /** An observer that ignores everything. */
  EngineObserver NOOP = new EngineObserver() {};

  /**
   * A rule's {@code where} failed to evaluate against an event; the event was treated as not
   * matching that rule.
   */
  default void conditionFailed(Rule rule, Event event, ConditionException failure) {}

  /**
   * A rule reached {@link DetectorLimits#maxKeysPerRule()} and dropped the state of its {@code n}
   * least recently used keys. Their partial windows and cooldowns are lost.
   */
  default void keysEvicted(Rule rule, int n) {}

  /**
   * A rule dropped the state of {@code n} idle keys: keys whose newest event is too old to count in
   * a window or to hold a cooldown. Nothing is lost; this is housekeeping.
   */
  default void keysExpired(Rule rule, int n) {}
}
