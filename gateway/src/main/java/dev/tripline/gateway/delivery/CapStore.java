package dev.tripline.gateway.delivery;

import io.vertx.core.Future;
import java.time.Instant;

/**
 * Where the windows of {@link FrequencyCap}s live: per destination and subject (the value of the
 * cap's {@code per} field, a user usually), the sends the cap let through lately. The decisions
 * themselves are {@link FrequencyCap#decide}'s; a store only keeps the state and makes each
 * decision atomic.
 */
public interface CapStore {

  /**
   * Judges one delivery and, when it may be sent, records it in its subject's window, as one atomic
   * step: two deliveries judged at once for the same destination and subject cannot both take the
   * last slot.
   *
   * @param destination the destination id
   * @param cap that destination's cap
   * @param subject the value of the cap's {@code per} field in the detection key
   * @param deliveryId the delivery's {@code webhook-id}
   * @param at the detection's {@code detectedAt}
   * @return the decision; fails when the window could not be read or written, and then nothing is
   *     known about whether the send was recorded
   */
  Future<CapDecision> admit(
      String destination, FrequencyCap cap, Object subject, String deliveryId, Instant at);

  /**
   * Deletes the windows in which no send counts any more at {@code now} (their newest send is at
   * least their cap's {@code within} old), so that subjects never seen again do not pile up.
   *
   * @return how many windows were deleted
   */
  Future<Long> deleteExpired(Instant now);
}
