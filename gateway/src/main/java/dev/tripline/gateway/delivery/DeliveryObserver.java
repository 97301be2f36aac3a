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

  /** {@link #uncapped} reason: the detection's key lacks the cap's {@code per} field. */
  String MISSING_KEY_FIELD = "missing_key_field";

  /** {@link #uncapped} reason: the cap's window could not be read or written; sent anyway. */
  String CAP_STORE_FAILED = "cap_store_failed";

  /**
   * A detection was not delivered to {@code destination} because the destination's template failed
   * on it (it reads a key field the detection lacks, say); logged with the field.
   */
  default void renderFailed(String destination) {}
}
