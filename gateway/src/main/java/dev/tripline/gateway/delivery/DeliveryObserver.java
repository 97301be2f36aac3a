package dev.tripline.gateway.delivery;

import java.time.Duration;

/**
 * Hears what the {@link Deliverer} does, for metrics. Called after the store recorded the fact;
 * must return quickly and never throw (it runs on an event loop).
 */
public interface DeliveryObserver {

  /** An observer that ignores everything. */
  DeliveryObserver NONE = new DeliveryObserver() {};

  /**
   * One HTTP attempt finished.
   *
   * @param destination the destination id
   * @param outcome what the attempt means for the delivery
   * @param latency from sending the request to the response or the failure
   */
  default void attempted(String destination, AttemptOutcome outcome, Duration latency) {}

  /**
   * A delivery was given up: rejected by its destination or out of attempts.
   *
   * @param destination the destination id
   * @param deliveryId the delivery's {@code webhook-id}
   * @param attempts how many attempts were made
   */
  default void deadLettered(String destination, String deliveryId, int attempts) {}

  /**
   * A delivery was recorded as {@link DeliveryStatus#CAPPED} instead of being sent: its
   * destination's frequency cap was reached.
   *
   * @param destination the destination id
   */
  default void capped(String destination) {}

  /**
   * A delivery to a destination with a frequency cap is sent without the cap having counted it.
   *
   * @param destination the destination id
   * @param reason {@link #MISSING_KEY_FIELD} or {@link #CAP_STORE_FAILED}
   */
  default void uncapped(String destination, String reason) {}

  /**
   * A destination was disabled: it answered 410 Gone or kept failing for its {@code disable_after}.
   * Its deliveries are held until it is enabled again. Also told at start for each destination a
   * previous process left disabled.
   *
   * @param destination the destination id
   * @param reason why, for operators
   */
  default void destinationDisabled(String destination, String reason) {}

  /**
   * An operator re-enabled a destination.
   *
   * @param destination the destination id
   */
  default void destinationEnabled(String destination) {}

  /**
   * A due delivery found its destination's queue full and was left in the outbox for a later poll.
   *
   * @param destination the destination id
   */
  default void queueFull(String destination) {}

  /**
   * The destination's circuit breaker changed state.
   *
   * @param destination the destination id
   * @param state {@code closed}, {@code half_open} or {@code open}
   */
  default void breakerChanged(String destination, String state) {}

  /**
   * An attempt was not sent: the destination's host resolved to an address the {@link AddressGuard}
   * refuses. The delivery is dead-lettered ({@link #attempted} with {@link AttemptOutcome#REFUSED},
   * then {@link #deadLettered}).
   *
   * @param destination the destination id
   * @param reason the address class, e.g. {@code loopback}
   */
  default void addressRefused(String destination, String reason) {}

  /** {@link #uncapped} reason: the detection's key lacks the cap's {@code per} field. */
  String MISSING_KEY_FIELD = "missing_key_field";

  /** {@link #uncapped} reason: the cap's window could not be read or written; sent anyway. */
  String CAP_STORE_FAILED = "cap_store_failed";

  /**
   * A detection was not delivered to {@code destination} because its body could not be rendered:
   * the destination's template failed on it (it reads a key field the detection lacks, say), or the
   * format needs a person the detection does not name. The delivery is stored dead with the error
   * in its history; {@link #deadLettered} is told too.
   */
  default void renderFailed(String destination) {}
}
