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
}
