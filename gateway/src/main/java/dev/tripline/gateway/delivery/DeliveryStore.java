package dev.tripline.gateway.delivery;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outbox of outbound deliveries. Every future completes only once the store has acknowledged
 * the write, so a delivery exists durably before its first attempt and every attempt is on record
 * before the next step is taken.
 */
public interface DeliveryStore {

  /**
   * Adds new deliveries. Idempotent: a record whose id is already stored is left as it is (not an
   * error, and not a second delivery).
   *
   * @return the records that were new, in the given order: only those should be attempted now
   */
  Future<List<DeliveryRecord>> enqueue(List<DeliveryRecord> records);

  /**
   * Pending deliveries whose next attempt time is at or before {@code now}, the most overdue first.
   */
  Future<List<DeliveryRecord>> findDue(Instant now, int limit);

  /**
   * Records one attempt of a pending delivery: appends it to the history (keeping the last {@link
   * DeliveryRecord#MAX_HISTORY}), counts it, and moves the delivery to {@code status}.
   *
   * @param nextAttemptAt when a still-pending delivery is due again; ignored for terminal statuses
   * @return whether a pending delivery with that id was found and updated
   */
  Future<Boolean> recordAttempt(
      String id, AttemptRecord attempt, DeliveryStatus status, Instant nextAttemptAt);

  /** The delivery with that id, for operators and tests. */
  Future<Optional<DeliveryRecord>> find(String id);
}
