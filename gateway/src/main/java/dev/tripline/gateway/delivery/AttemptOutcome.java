package dev.tripline.gateway.delivery;

import java.util.Arrays;

/** How one HTTP attempt went, which decides what happens to the delivery next. */
public enum AttemptOutcome {
  /** 2xx: delivered. */
  SUCCEEDED("succeeded"),
  /** 5xx, 408, 429, a timeout or a connection error: worth trying again later. */
  RETRYABLE("retryable"),
  /**
   * 410 Gone: the receiver says the endpoint no longer exists, so the destination is disabled and
   * its deliveries are held until an operator re-enables it.
   */
  GONE("gone"),
  /**
   * Any other answer (4xx, an unfollowed redirect, ...): the receiver will not accept this message,
   * so trying again would only repeat the refusal.
   */
  REJECTED("rejected"),
  /**
   * Not sent: the destination's host resolved to an address the {@link AddressGuard} refuses.
   * Retrying cannot help until the configuration changes ({@code allow_private}, the URL, DNS), so
   * the delivery is dead-lettered at once; the destination's health is not affected.
   */
  REFUSED("refused"),
  /**
   * Never sent: the body could not be rendered (a user template failed on the detection, or the
   * format needs a person the detection does not name). Dead-lettered at creation, without a body.
   */
  RENDER_FAILED("render_failed");

  private final String wireName;

  AttemptOutcome(String wireName) {
    this.wireName = wireName;
  }

  /** The value stored in a delivery's history. */
  public String wireName() {
    return wireName;
  }

  /** The outcome an HTTP response status means. */
  public static AttemptOutcome ofHttpStatus(int status) {
    if (status >= 200 && status < 300) {
      return SUCCEEDED;
    }
    if (status >= 500 || status == 408 || status == 429) {
      return RETRYABLE;
    }
    if (status == 410) {
      return GONE;
    }
    return REJECTED;
  }

  /**
   * The outcome stored as {@code wireName}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public static AttemptOutcome fromWireName(String wireName) {
    return Arrays.stream(values())
        .filter(s -> s.wireName.equals(wireName))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("outcome: unknown value \"" + wireName + "\""));
  }
}
