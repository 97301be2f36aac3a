package dev.tripline.detectors;

import dev.tripline.rules.ConditionException;
import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
import java.util.List;

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

  /**
   * A rule set or changed a key's timer. The gateway persists it, so that a restart restores it;
   * calls for one key come in order, and the last one is the timer's state.
   */
  default void timerSaved(Rule rule, TimerState timer) {}

  /** A rule's timer for a key was cancelled or fired; the gateway deletes the persisted copy. */
  default void timerRemoved(Rule rule, List<Object> key) {}

  /**
   * A rule refused to take on the key of {@code event}, which it held no state for: the rule holds
   * {@link DetectorLimits#maxTimersPerRule()} timers ({@link KeyRefusal#MAX_TIMERS}; that start
   * will never fire), or its {@code new_keys} rate allows no new key now ({@link
   * KeyRefusal#NEW_KEY_RATE}; the key's next event asks again). Keys the rule holds are never
   * refused. Operators should raise the limit or narrow the rule.
   */
  default void keyRefused(Rule rule, Event event, KeyRefusal reason) {}
}
