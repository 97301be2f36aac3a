package dev.tripline.gateway.delivery;

import java.time.Instant;
import java.util.Objects;

/**
 * What the gateway knows about a destination's health, kept in MongoDB so that a restart keeps a
 * destination disabled and keeps counting how long it has been failing.
 *
 * @param destination the destination id
 * @param disabled whether its deliveries are held instead of attempted
 * @param reason why it was disabled (e.g. {@code HTTP 410 Gone}); null when enabled
 * @param disabledAt when it was disabled; null when enabled
 * @param failingSince the first failed attempt since its last success; null when healthy
 */
public record DestinationState(
    String destination, boolean disabled, String reason, Instant disabledAt, Instant failingSince) {

  public DestinationState {
    Objects.requireNonNull(destination, "destination");
  }

  /** A destination nothing is known about: enabled and healthy. */
  public static DestinationState healthy(String destination) {
    return new DestinationState(destination, false, null, null, null);
  }

  /** This state, failing since {@code at} unless it was failing already. */
  public DestinationState failing(Instant at) {
    return failingSince != null
        ? this
        : new DestinationState(destination, disabled, reason, disabledAt, at);
  }

  /** This state after a success: not failing. */
  public DestinationState succeeded() {
    return new DestinationState(destination, disabled, reason, disabledAt, null);
  }

  /** This state, disabled for {@code reason}. */
  public DestinationState disable(String reason, Instant at) {
    return new DestinationState(destination, true, reason, at, failingSince);
  }
}
