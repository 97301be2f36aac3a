package dev.tripline.handlers.access;

import java.time.Duration;

/**
 * Rate limits on ingest, per source and per client address. Implementations must be thread-safe:
 * every event loop's HTTP server shares one.
 */
public interface RateLimiter {

  /** No limits at all. */
  RateLimiter NONE = (source, clientIp) -> null;

  /**
   * Takes one request's token from the source's bucket and from the client address's bucket.
   *
   * @param source the source the request is attributed to
   * @param clientIp the resolved client address, or {@code null} when unknown
   * @return {@code null} when the request may proceed, otherwise how long until it could
   */
  Duration acquire(String source, String clientIp);
}
