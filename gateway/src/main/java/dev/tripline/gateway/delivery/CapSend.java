package dev.tripline.gateway.delivery;

import java.time.Instant;
import java.util.Objects;

/**
 * One delivery a {@link FrequencyCap} let through, as counted in its subject's window.
 *
 * @param deliveryId the delivery's {@code webhook-id}, so that a repeated submission of the same
 *     detection is recognised and not counted twice
 * @param at the detection's {@code detectedAt}
 */
public record CapSend(String deliveryId, Instant at) {

  public CapSend {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(at, "at");
  }
}
