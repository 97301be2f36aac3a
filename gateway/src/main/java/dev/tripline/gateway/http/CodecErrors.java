package dev.tripline.gateway.http;

import dev.tripline.handlers.LogText;
import dev.tripline.handlers.LogThrottle;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP codec's own refusals, answered as the documented JSON error, and its failures, logged as
 * one WARN line without a stack trace and at most once per interval ({@link LogThrottle}).
 *
 * <p>Vert.x hands a request whose head the codec could not decode to the server's invalid-request
 * handler ({@link #answer}): a request line longer than {@code maxInitialLineLength} is 414,
 * headers larger than {@code maxHeaderSize} are 431, anything else (a malformed request line, a bad
 * {@code Content-Length}) is 400; the connection is closed after the answer, since the codec cannot
 * tell where the next request would start. A failure inside a body (a malformed chunk size) closes
 * the connection at once, before any answer could be flushed.
 */
final class CodecErrors {

  private static final Logger LOG = LoggerFactory.getLogger(CodecErrors.class);

  private final int maxInitialLineLength;
  private final int maxHeaderSize;
  private final HttpObserver observer;
  private final LogThrottle throttle;

  CodecErrors(HttpServerOptions options, HttpObserver observer, LogThrottle throttle) {
    this.maxInitialLineLength = options.getMaxInitialLineLength();
    this.maxHeaderSize = options.getMaxHeaderSize();
    this.observer = observer;
    this.throttle = throttle;
  }

  /** The server's invalid-request handler: the JSON error for a head the codec refused. */
  void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    JsonObject body = new JsonObject();
    int status;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      body.put(
          "error", "request line too long: must be at most " + maxInitialLineLength + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      body.put("error", "headers too large: must be at most " + maxHeaderSize + " bytes");
    } else if (mentions(cause, "content-length")) {
      status = 400;
      body.put("error", "Content-Length: must be one non-negative integer")
          .put("field", "Content-Length");
    } else {
      status = 400;
      body.put("error", "malformed request: the request line or a header cannot be parsed");
    }
    request
        .response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(body.toBuffer());
  }

  /**
   * Whether {@code failure}, reported on a connection, is the codec's refusal of what the client
   * sent (rather than the network failing or the client leaving).
   */
  static boolean isCodecFailure(Throwable failure) {
    return !(failure instanceof IOException)
        && !(failure instanceof HttpClosedException)
        && !(failure instanceof PrematureChannelClosureException);
  }

  /** Counts and logs a failure reported on a connection from {@code client}. */
  void failed(SocketAddress client, Throwable failure) {
    if (!isCodecFailure(failure)) {
      LOG.debug(
          "lose connection [client: {}, error: {}]",
          client == null ? "-" : client.hostAddress(),
          LogText.escape(failure.getMessage()));
      return;
    }
    observer.malformedRequest(reason(failure));
    long leftOut = throttle.admit();
    if (leftOut >= 0) {
      LOG.warn(
          "refuse malformed request [client: {}, error: {}, similar lines left out: {}]",
          client == null ? "-" : client.hostAddress(),
          LogText.escape(failure.getMessage()),
          leftOut);
    }
  }

  /** The metric's label for a codec failure. */
  static String reason(Throwable failure) {
    if (failure instanceof TooLongHttpLineException) {
      return "line_too_long";
    }
    if (failure instanceof TooLongHttpHeaderException) {
      return "headers_too_large";
    }
    return "malformed";
  }

  private static boolean mentions(Throwable cause, String word) {
    return cause != null
        && cause.getMessage() != null
        && cause.getMessage().toLowerCase(Locale.ROOT).contains(word);
  }
}
