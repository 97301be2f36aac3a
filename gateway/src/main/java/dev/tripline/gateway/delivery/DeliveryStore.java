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
 *
 * <p>The operator side (listing, replay, holding, destination states) has defaults so that a test
 * double needs only the delivery side: such a store keeps no destination state (every destination
 * enabled, nothing persisted) and fails the other operator calls.
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

  /**
   * Deliveries matching {@code filter}, newest first.
   *
   * @param limit at most so many
   */
  default Future<List<DeliveryRecord>> list(DeliveryFilter filter, int limit) {
    return unsupported("list");
  }

  /**
   * Makes a finished delivery ({@link DeliveryStatus#DEAD}, {@link DeliveryStatus#SUCCEEDED} or
   * {@link DeliveryStatus#CAPPED}) pending again, due at {@code at}, with its body, id and history
   * kept and its attempt count starting over (so it gets the whole retry schedule again).
   *
   * <p>A delivery without a body (its rendering failed, see {@link DeliveryRecord#renderFailed}) is
   * not replayed.
   *
   * @return whether a finished delivery with that id was found and made pending
   */
  default Future<Boolean> replay(String id, Instant at) {
    return unsupported("replay");
  }

  /**
   * Moves a pending delivery of a disabled destination to {@link DeliveryStatus#HELD}, without
   * counting an attempt.
   *
   * @return whether a pending delivery with that id was found and held
   */
  default Future<Boolean> hold(String id, String reason, Instant at) {
    return unsupported("hold");
  }

  /** Every destination's stored state: those never disabled nor failing may be absent. */
  default Future<List<DestinationState>> destinationStates() {
    return Future.succeededFuture(List.of());
  }

  /** Stores a destination's state, replacing what was stored. */
  default Future<Void> saveDestinationState(DestinationState state, Instant at) {
    return Future.succeededFuture();
  }

  /**
   * Holds every pending delivery of {@code destination} (its destination was disabled).
   *
   * @return how many were held
   */
  default Future<Long> holdPending(String destination, String reason, Instant at) {
    return unsupported("holdPending");
  }

  /**
   * Makes every held delivery of {@code destination} pending again, due at {@code at}, with its
   * attempt count starting over (its destination was re-enabled).
   *
   * @return how many were released
   */
  default Future<Long> releaseHeld(String destination, Instant at) {
    return unsupported("releaseHeld");
  }

  private static <T> Future<T> unsupported(String operation) {
    return Future.failedFuture(
        new UnsupportedOperationException("this delivery store has no " + operation));
  }
}
