package dev.tripline.gateway.http;

import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * How much of the HTTP server one client can hold, validated at construction.
 *
 * @param idleTimeout a connection on which nothing is read or written for this long is closed
 *     (Vert.x's idle timeout); zero turns it off
 * @param requestReadTimeout the longest a client may take to send a whole request, head and body,
 *     counted from when the connection opened or its previous response ended
 * @param maxConnections open connections across all server instances; past it a new one is closed
 *     at once
 */
public record ConnectionLimits(
    Duration idleTimeout, Duration requestReadTimeout, int maxConnections) {

  public ConnectionLimits {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(requestReadTimeout, "requestReadTimeout");
    if (idleTimeout.isNegative() || idleTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "idleTimeout: must be from 0s to " + Integer.MAX_VALUE + "ms, was " + idleTimeout);
    }
    if (requestReadTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "requestReadTimeout: must be >= 1ms, was " + requestReadTimeout);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections: must be > 0, was " + maxConnections);
    }
  }

  /**
   * Sets the idle timeout and turns HTTP/2 over cleartext off: before a cleartext connection shows
   * whether it speaks HTTP/1 or HTTP/2, Vert.x does not report it, so it would escape the
   * connection cap and the read timeout.
   *
   * @return {@code options}, for chaining
   */
  public HttpServerOptions applyTo(HttpServerOptions options) {
    return options
        .setIdleTimeout((int) idleTimeout.toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setHttp2ClearTextEnabled(false);
  }
}
