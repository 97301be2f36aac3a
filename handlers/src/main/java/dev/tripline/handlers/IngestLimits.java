package dev.tripline.handlers;

import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * The bounds every ingest request and WebSocket frame is held to, so that one client cannot make
 * the gateway parse, buffer or queue without limit. Validated once at construction (fail fast,
 * naming the limit); immutable afterwards.
 *
 * @param maxBodyBytes largest HTTP body or WebSocket message, in bytes (default 512 KiB)
 * @param maxBatchEvents most events in one {@code batch} (default 500)
 * @param maxJsonDepth deepest nesting of arrays and objects in a body, checked before parsing
 *     (default 64)
 * @param maxClockSkew how far in the future of {@code receivedAt} an event {@code timestamp} may be
 *     (default 10 minutes)
 * @param maxFramesInFlight frames per WebSocket that may await ingest before reading pauses
 *     (default 16)
 * @param retryAfter what {@code Retry-After} tells a client when the store failed (default 1 s)
 * @param ingestTimeout how long a handler waits for {@link IngestService#ingest} before answering
 *     503 {@code store unavailable} (default 10 s), so a hung store cannot hold requests forever
 */
public record IngestLimits(
    int maxBodyBytes,
    int maxBatchEvents,
    int maxJsonDepth,
    Duration maxClockSkew,
    int maxFramesInFlight,
    Duration retryAfter,
    Duration ingestTimeout) {

  /** The default {@link #maxBodyBytes()}: 512 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 512 * 1024;

  /** The default {@link #ingestTimeout()}: 10 s. */
  public static final Duration DEFAULT_INGEST_TIMEOUT = Duration.ofSeconds(10);

  public IngestLimits {
    requirePositive("maxBodyBytes", maxBodyBytes);
    requirePositive("maxBatchEvents", maxBatchEvents);
    // the smallest valid body, {"batch":[{...}]}, is three levels deep
    if (maxJsonDepth < 3) {
      throw new IllegalArgumentException("maxJsonDepth: must be >= 3, was " + maxJsonDepth);
    }
    requireNonNegative("maxClockSkew", maxClockSkew);
    requirePositive("maxFramesInFlight", maxFramesInFlight);
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("retryAfter: must be > 0s, was " + retryAfter);
    }
    Objects.requireNonNull(ingestTimeout, "ingestTimeout");
    if (ingestTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("ingestTimeout: must be >= 1ms, was " + ingestTimeout);
    }
  }

  /** The defaults documented on each component. */
  public static IngestLimits defaults() {
    return new IngestLimits(
        DEFAULT_MAX_BODY_BYTES,
        500,
        64,
        Duration.ofMinutes(10),
        16,
        Duration.ofSeconds(1),
        DEFAULT_INGEST_TIMEOUT);
  }

  public IngestLimits withMaxBodyBytes(int value) {
    return new IngestLimits(
        value,
        maxBatchEvents,
        maxJsonDepth,
        maxClockSkew,
        maxFramesInFlight,
        retryAfter,
        ingestTimeout);
  }

  public IngestLimits withMaxBatchEvents(int value) {
    return new IngestLimits(
        maxBodyBytes,
        value,
        maxJsonDepth,
        maxClockSkew,
        maxFramesInFlight,
        retryAfter,
        ingestTimeout);
  }

  public IngestLimits withMaxJsonDepth(int value) {
    return new IngestLimits(
        maxBodyBytes,
        maxBatchEvents,
        value,
        maxClockSkew,
        maxFramesInFlight,
        retryAfter,
        ingestTimeout);
  }

  public IngestLimits withMaxClockSkew(Duration value) {
    return new IngestLimits(
        maxBodyBytes,
        maxBatchEvents,
        maxJsonDepth,
        value,
        maxFramesInFlight,
        retryAfter,
        ingestTimeout);
  }

  public IngestLimits withMaxFramesInFlight(int value) {
    return new IngestLimits(
        maxBodyBytes, maxBatchEvents, maxJsonDepth, maxClockSkew, value, retryAfter, ingestTimeout);
  }

  public IngestLimits withRetryAfter(Duration value) {
    return new IngestLimits(
        maxBodyBytes,
        maxBatchEvents,
        maxJsonDepth,
        maxClockSkew,
        maxFramesInFlight,
        value,
        ingestTimeout);
  }

  /**
   * Sizes the server's WebSocket limits from {@link #maxBodyBytes()}: a frame may be as large as a
   * message (a browser sends each message as one frame), and the WebSocket decoder refuses a larger
   * one from its header, before reading its payload. {@link StreamHandler} closes the socket with
   * 1009 then, and when fragments add up to more than the limit.
   *
   * @return {@code options}, for chaining
   */
  public HttpServerOptions applyTo(HttpServerOptions options) {
    options.setMaxWebSocketMessageSize(maxBodyBytes);
    options.setMaxWebSocketFrameSize(maxBodyBytes);
    // no permessage-deflate: the size limits count compressed bytes, so a small frame could
    // inflate to any size; and without an extension a frame with RSV1 set is the protocol error
    // RFC 6455 says it is, not a frame read as if the bit were clear
    options.setPerMessageWebSocketCompressionSupported(false);
    options.setPerFrameWebSocketCompressionSupported(false);
    return options;
  }

  public IngestLimits withIngestTimeout(Duration value) {
    return new IngestLimits(
        maxBodyBytes,
        maxBatchEvents,
        maxJsonDepth,
        maxClockSkew,
        maxFramesInFlight,
        retryAfter,
        value);
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": must be > 0, was " + value);
    }
  }

  private static void requireNonNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + ": must be >= 0s, was " + value);
    }
  }
}
