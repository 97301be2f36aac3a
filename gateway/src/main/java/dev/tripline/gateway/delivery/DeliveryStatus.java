package dev.tripline.gateway.delivery;

import java.util.Arrays;

/** Where a delivery stands in the outbox. */
public enum DeliveryStatus {
  /** Not yet delivered; attempted when its next attempt time has come. */
  PENDING("pending"),
  /** The destination answered 2xx. Terminal. */
  SUCCEEDED("succeeded"),
  /**
   * Given up: rejected by the destination or out of attempts. Terminal until an operator replays
   * it.
   */
  DEAD("dead"),
  /**
   * Never sent: its destination's frequency cap was reached for the detection's user (or other
   * {@code per} field). Terminal; kept so that operators see why nothing went out.
   */
  CAPPED("capped"),
  /**
   * Kept, not attempted: its destination is disabled (it answered 410 Gone, or kept failing for its
   * {@code disable_after}). Back to {@link #PENDING}, with a fresh retry schedule, when an operator
   * re-enables the destination.
   */
  HELD("held");

  private final String wireName;

  DeliveryStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The value stored in MongoDB and shown to operators. */
  public String wireName() {
    return wireName;
  }

  /**
   * The status stored as {@code wireName}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public static DeliveryStatus fromWireName(String wireName) {
    return Arrays.stream(values())
        .filter(s -> s.wireName.equals(wireName))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("status: unknown value \"" + wireName + "\""));
  }
}
