package dev.tripline.handlers;

import java.time.Duration;

/**
 * The store failed while ingesting: answered with 503 and {@code Retry-After}, never 500, because
 * the client did nothing wrong and may safely re-send (the store drops duplicates).
 */
public final class StoreUnavailableException extends HttpException {

  private final Duration retryAfter;

  public StoreUnavailableException(Duration retryAfter) {
    super(503, "store unavailable");
    this.retryAfter = retryAfter;
  }

  /** How long the client should wait before retrying. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
