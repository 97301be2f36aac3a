package dev.tripline.detectors;

import dev.tripline.rules.Event;
import dev.tripline.rules.NewKeys;
import dev.tripline.rules.Rule;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The detector of one rule: keyed state that turns a stream of matching events into detections.
 *
 * <p>Not thread-safe, by design: every key's state is owned by exactly one thread (in the gateway,
 * one Vert.x context; in cluster mode, the owner of a Kafka partition), so a detector needs no
 * locks and its behaviour depends only on the events it is given and on its injected clock. Callers
 * that share a detector between threads must confine it to one of them.
 */
public interface Detector {

  /** The rule this detector serves. */
  Rule rule();

  /**
   * Feeds one event to the detector.
   *
   * <p>Called only for events that already passed the rule's {@code on} and {@code where}; the
   * detector does not re-check them.
   *
   * @return the detection this event completed, or empty
   */
  Optional<Detection> onEvent(Event event);

  /** How many keys currently hold state; bounded by {@link DetectorLimits#maxKeysPerRule()}. */
  int keyCount();

  /**
   * Takes the {@code new_keys} of a reload of this detector's rule whose definition did not change:
   * {@code new_keys} is not part of the definition, so a new one keeps the state. Tokens left in
   * the bucket stay, up to the new burst.
   */
  void limitNewKeys(NewKeys newKeys);

  /** Whether this detector keeps timers, i.e. needs {@link #advance} and persists its timers. */
  default boolean hasTimers() {
    return false;
  }

  /**
   * Fires every timer due at {@code now} (from the engine's clock), in due order.
   *
   * @return the detections the due timers made; usually empty
   */
  default List<Detection> advance(Instant now) {
    return List.of();
  }

  /**
   * Puts back a timer persisted before a restart, replacing any timer of its key. A timer already
   * due fires at the next {@link #advance}.
   *
   * @throws UnsupportedOperationException when this detector keeps no timers
   */
  default void restore(TimerState timer) {
    throw new UnsupportedOperationException(rule().id() + ": keeps no timers");
  }

  /** The pending timers, in no particular order; empty when this detector keeps none. */
  default List<TimerState> timers() {
    return List.of();
  }

  /**
   * What the detector holds for one key, for an operator asking why a rule did or did not fire:
   * e.g. the window's count, a pending timer's deadline. Empty when the key holds no state.
   *
   * @param key the key's values in the rule's group-by (correlate-by) order, as given in a query:
   *     compared by their text, so that {@code 42} finds a numeric key
   */
  Optional<java.util.Map<String, Object>> keyState(List<String> key);
}
