package dev.tripline.gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One HTTP attempt of a delivery, as kept in its history for operators.
 *
 * @param at when the attempt started
 * @param httpStatus the response status, or null if no response came (timeout, connection error)
 * @param outcome what the attempt means for the delivery
 * @param latency from sending the request to the response or the failure
 * @param error why it failed, or null; never contains the secret, the signature or the body
 * @param response the start of the receiver's answer (at most {@link #MAX_RESPONSE_CHARS}
 *     characters), for operators; null when there was none
 */
public record AttemptRecord(
    Instant at,
    Integer httpStatus,
    AttemptOutcome outcome,
    Duration latency,
    String error,
    String response) {

  /** How much of a receiver's answer is kept. */
  public static final int MAX_RESPONSE_CHARS = 512;

  public AttemptRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(latency, "latency");
    if (response != null && response.length() > MAX_RESPONSE_CHARS) {
      response = response.substring(0, MAX_RESPONSE_CHARS);
    }
  }

  /** An attempt without a recorded answer. */
  public AttemptRecord(
      Instant at, Integer httpStatus, AttemptOutcome outcome, Duration latency, String error) {
    this(at, httpStatus, outcome, latency, error, null);
  }
}
