package dev.tripline.handlers;

import java.time.Duration;

/** The gateway cannot take more work now; answered with 503 and {@code Retry-After}. */
public final class OverloadedException extends HttpException {

  private final Duration retryAfter;

  public OverloadedException(String message, Duration retryAfter) {
    super(503, message);
    this.retryAfter = retryAfter;
  }

  /** How long the client should wait before retrying. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
