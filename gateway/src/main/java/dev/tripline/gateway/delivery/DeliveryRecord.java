package dev.tripline.gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One outbox row: a detection to be delivered to one destination, written before the first attempt
 * so that a crash loses none.
 *
 * @param id the {@code webhook-id}, from {@link WebhookIds}; the outbox key, so enqueueing the same
 *     detection twice yields one delivery
 * @param detectionId the detection delivered
 * @param ruleId the rule that fired, for operators
 * @param destination the destination id
 * @param url the destination's URL when enqueued, for operators (attempts use the configured one)
 * @param body the exact payload sent on every attempt
 * @param status where the delivery stands
 * @param attempts how many attempts were made
 * @param nextAttemptAt when a pending delivery is due; meaningless once terminal
 * @param createdAt when it was enqueued
 * @param updatedAt when it last changed
 * @param lastError the last attempt's error, or why a {@link DeliveryStatus#CAPPED} delivery was
 *     not sent; null otherwise
 * @param history the latest attempts, oldest first (at most {@link #MAX_HISTORY})
 */
public record DeliveryRecord(
    String id,
    String detectionId,
    String ruleId,
    String destination,
    String url,
    String body,
    DeliveryStatus status,
    int attempts,
    Instant nextAttemptAt,
    Instant createdAt,
    Instant updatedAt,
    String lastError,
    List<AttemptRecord> history) {

  /** How many attempts a delivery's history keeps; older ones are dropped. */
  public static final int MAX_HISTORY = 20;

  public DeliveryRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(status, "status");
    history = List.copyOf(history);
  }

  /** A new delivery, due at once. */
  public static DeliveryRecord pending(
      String id,
      String detectionId,
      String ruleId,
      String destination,
      String url,
      String body,
      Instant now) {
    return new DeliveryRecord(
        id,
        detectionId,
        ruleId,
        destination,
        url,
        body,
        DeliveryStatus.PENDING,
        0,
        now,
        now,
        now,
        null,
        List.of());
  }

  /**
   * This new delivery, not to be sent because its destination's frequency cap is reached: terminal
   * at once, with {@code reason} as its last error and no next attempt.
   */
  public DeliveryRecord capped(String reason) {
    return new DeliveryRecord(
        id,
        detectionId,
        ruleId,
        destination,
        url,
        body,
        DeliveryStatus.CAPPED,
        attempts,
        null,
        createdAt,
        updatedAt,
        reason,
        history);
  }

  /**
   * A new delivery whose body could not be rendered: {@link DeliveryStatus#DEAD} at once, with an
   * empty body (there is nothing to send or replay) and the failure as its only attempt, so that
   * operators see the error in its history.
   */
  public static DeliveryRecord renderFailed(
      String id,
      String detectionId,
      String ruleId,
      String destination,
      String url,
      String error,
      Instant now) {
    return new DeliveryRecord(
        id,
        detectionId,
        ruleId,
        destination,
        url,
        "",
        DeliveryStatus.DEAD,
        1,
        null,
        now,
        now,
        error,
        List.of(new AttemptRecord(now, null, AttemptOutcome.RENDER_FAILED, Duration.ZERO, error)));
  }

  /** Whether this delivery has a body to send: not when rendering it failed. */
  public boolean hasBody() {
    return !body.isEmpty();
  }

  /**
   * This new delivery, not to be sent now because its destination is disabled: {@link
   * DeliveryStatus#HELD} with {@code reason} as its last error, until the destination is enabled.
   */
  public DeliveryRecord held(String reason) {
    return new DeliveryRecord(
        id,
        detectionId,
        ruleId,
        destination,
        url,
        body,
        DeliveryStatus.HELD,
        attempts,
        null,
        createdAt,
        updatedAt,
        reason,
        history);
  }

  /** Leaves the body out: it may hold personal data and does not belong in logs. */
  @Override
  public String toString() {
    return "DeliveryRecord[id="
        + id
        + ", detectionId="
        + detectionId
        + ", destination="
        + destination
        + ", status="
        + status.wireName()
        + ", attempts="
        + attempts
        + ", nextAttemptAt="
        + nextAttemptAt
        + "]";
  }
}
