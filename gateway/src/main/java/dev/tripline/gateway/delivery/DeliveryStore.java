package dev.tripline.gateway.delivery;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
   * Pending deliveries to one destination whose next attempt time is at or before {@code now}, the
   * most overdue first: each destination's lane reads its own, so a destination with a large
   * backlog cannot crowd the others out of a poll. The default filters {@link #findDue(Instant,
   * int)}; stores override it with a query.
   */
  default Future<List<DeliveryRecord>> findDue(Instant now, String destination, int limit) {
    return findDue(now, Integer.MAX_VALUE)
        .map(
            due ->
                due.stream()
                    .filter(r -> r.destination().equals(destination))
                    .limit(limit)
                    .toList());
  }

  /**
   * Due pending deliveries to destinations other than {@code destinations}: those whose destination
   * was removed from the configuration since they were written. The default filters {@link
   * #findDue(Instant, int)}; stores override it with a query.
   */
  default Future<List<DeliveryRecord>> findDueExcept(
      Instant now, Set<String> destinations, int limit) {
    return findDue(now, Integer.MAX_VALUE)
        .map(
            due ->
                due.stream()
                    .filter(r -> !destinations.contains(r.destination()))
                    .limit(limit)
                    .toList());
  }

  /**
   * Records one attempt of a pending delivery: appends it to the history (keeping the last {@link
   * DeliveryRecord#MAX_HISTORY}), counts it, and moves the delivery to {@code status}.
   *
   * @param nextAttemptAt when a still-pending delivery is due again; ignored for terminal statuses
   * @return whether a pending delivery with that id was found and updated
   */
  Future<Boolean> recordAttempt(
      String id, AttemptRecord attempt, DeliveryStatus status, Instant nextAttemptAt);

  /**
   * How many pending deliveries to the destination have failed at least once (retries waiting), for
   * metrics.
   */
  default Future<Long> countRetriesPending(String destination) {
    return Future.failedFuture(new UnsupportedOperationException("countRetriesPending"));
  }

  /** The delivery with that id, for operators and tests. */
  Future<Optional<DeliveryRecord>> find(String id);
}
