package dev.tripline.handlers;

import java.time.Duration;

/** A sender went past its rate limit; answered with 429 and {@code Retry-After}. */
public final class RateLimitedException extends HttpException {

  private final Duration retryAfter;

  public RateLimitedException(String message, Duration retryAfter) {
    super(429, message);
    this.retryAfter = retryAfter;
  }

  /** How long the client should wait before retrying. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
