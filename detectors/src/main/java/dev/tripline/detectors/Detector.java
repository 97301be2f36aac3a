package dev.tripline.detectors;

import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
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
}
