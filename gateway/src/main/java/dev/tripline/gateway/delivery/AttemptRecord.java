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
 */
public record AttemptRecord(
    Instant at, Integer httpStatus, AttemptOutcome outcome, Duration latency, String error) {

  public AttemptRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(latency, "latency");
  }
}
