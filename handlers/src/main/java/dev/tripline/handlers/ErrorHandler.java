package dev.tripline.handlers;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a failed request becomes a JSON error: {@code {"error": ..., "field": ...,
 * "index": ...}} (absent members left out).
 *
 * <p>An {@link HttpException} answers with its own status; a 503 or 429 that carries a retry delay
 * also sets {@code Retry-After} in whole seconds. A bare status (e.g. Vert.x's 413 from the body
 * limit, or 404/405 when no route matched) answers with that status and its reason phrase. Anything
 * else is a bug: 500 {@code {"error":"internal error"}} and one log line with the stack trace.
 * Client errors are logged at debug without a stack trace, since they are the client's problem, not
 * ours.
 *
 * <p>A request that could not be read is not a bug either: the client closed the connection
 * mid-request, or the HTTP codec gave up on it (a malformed chunk size). The server layer logs the
 * codec's failures (rate-limited) and marks the request with {@link #UNREADABLE_REQUEST}; this
 * handler then logs it at debug only. Client-controlled text in log lines (the path, the message)
 * goes through {@link LogText#escape}.
 *
 * <p>Never throws: a response that is already written or closed is left alone (a partly written one
 * is reset, so the client cannot mistake it for complete), and the server keeps serving.
 */
public final class ErrorHandler implements Handler<RoutingContext> {

  /**
   * The {@link RoutingContext} key under which the server puts the failure that stopped the HTTP
   * codec from reading the request (already logged there).
   */
  public static final String UNREADABLE_REQUEST = "tripline.unreadable-request";

  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = statusOf(ctx);
    try {
      log(ctx, status, failure);
      HttpServerResponse response = ctx.response();
      if (response.ended() || response.closed()) {
        return;
      }
      if (response.headWritten()) {
        response.reset();
        return;
      }
      JsonObject body = new JsonObject();
      if (failure instanceof HttpException http) {
        body.put("error", http.getMessage());
        putIfPresent(body, "field", http.field());
        putIfPresent(body, "index", http.index());
        Duration retryAfter = retryAfterOf(http);
        if (retryAfter != null) {
          response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
        }
      } else if (unreadable(ctx)) {
        status = 400;
        body.put("error", "malformed request: the body cannot be read");
      } else if (routerRefusal(ctx)) {
        body.put("error", failure.getMessage());
      } else if (status >= 500) {
        body.put("error", "internal error");
      } else {
        body.put(
            "error", HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(Locale.ROOT));
      }
      response
          .setStatusCode(status)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(body.toBuffer());
    } catch (RuntimeException e) {
      // last resort: the handler must not fail, or Vert.x would answer with its own plain 500
      LOG.error(
          "failed to write error response [path: {}]", LogText.escape(ctx.request().path()), e);
      try {
        ctx.response().reset();
      } catch (RuntimeException ignored) {
        // the connection is already gone
      }
    }
  }

  /** Whole seconds, rounded up, at least 1, as {@code Retry-After} requires. */
  static long retryAfterSeconds(Duration retryAfter) {
    long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  private static Duration retryAfterOf(HttpException failure) {
    if (failure instanceof OverloadedException overloaded) {
      return overloaded.retryAfter();
    }
    if (failure instanceof StoreUnavailableException unavailable) {
      return unavailable.retryAfter();
    }
    if (failure instanceof RateLimitedException limited) {
      return limited.retryAfter();
    }
    return null;
  }

  private static int statusOf(RoutingContext ctx) {
    if (ctx.failure() instanceof HttpException http) {
      return http.status();
    }
    int status = ctx.statusCode();
    if (ctx.failure() instanceof io.vertx.ext.web.handler.HttpException web) {
      // Vert.x Web's own handlers fail with a bare status wrapped this way
      status = web.getStatusCode();
    } else if (routerRefusal(ctx)) {
      return status;
    } else if (ctx.failure() != null) {
      return 500;
    }
    if (status < 400 || status > 599) {
      return 500;
    }
    return status;
  }

  private static void log(RoutingContext ctx, int status, Throwable failure) {
    if (unreadable(ctx)) {
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "drop unreadable request [method: {}, path: {}, error: {}]",
            LogText.escape(ctx.request().method()),
            LogText.escape(ctx.request().path()),
            LogText.escape(failure.getMessage()));
      }
    } else if (status >= 500 && !(failure instanceof HttpException)) {
      // a bug (or an unexpected library failure): once, with the stack trace
      LOG.error(
          "failed request [method: {}, path: {}, status: {}]",
          LogText.escape(ctx.request().method()),
          LogText.escape(ctx.request().path()),
          status,
          failure);
    } else if (LOG.isDebugEnabled()) {
      LOG.debug(
          "rejected request [method: {}, path: {}, status: {}, error: {}]",
          LogText.escape(ctx.request().method()),
          LogText.escape(ctx.request().path()),
          status,
          failure == null ? "-" : LogText.escape(failure.getMessage()));
    }
  }

  /**
   * The router itself refused the request before any route ran, with a client status and a message
   * for the client: an HTTP/1.1 request without {@code Host}, a path that is not one.
   */
  private static boolean routerRefusal(RoutingContext ctx) {
    int status = ctx.statusCode();
    return ctx.failure() instanceof VertxException refusal
        && !(refusal instanceof HttpClosedException)
        && refusal.getMessage() != null
        && status >= 400
        && status < 500;
  }

  /** The client closed the connection mid-request, or the codec could not read the request. */
  private static boolean unreadable(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure == null) {
      return false;
    }
    // a body handler fails the context with the codec's failure, or with the cause it wraps
    return failure instanceof HttpClosedException
        || (ctx.get(UNREADABLE_REQUEST) instanceof Throwable marked
            && (marked == failure || marked.getCause() == failure));
  }

  private static void putIfPresent(JsonObject body, String key, Object value) {
    if (value != null) {
      body.put(key, value);
    }
  }
}
