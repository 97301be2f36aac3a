package dev.tripline.handlers;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ready}: 200 {@code {"status":"ready"}} when the check succeeds within the timeout, else
 * 503 {@code {"status":"not ready","reason":...}}, so a load balancer stops sending traffic that
 * could not be made durable. A check that hangs counts as not ready.
 */
public final class ReadinessHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ReadinessHandler.class);
  private static final int MAX_REASON = 200;

  private final Supplier<Future<Void>> check;
  private final Duration timeout;

  /**
   * @param check succeeds when the gateway can take traffic (e.g. a ping of the store)
   * @param timeout how long to wait for the check
   */
  public ReadinessHandler(Supplier<Future<Void>> check, Duration timeout) {
    this.check = Objects.requireNonNull(check, "check");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout: must be >= 1ms, was " + timeout);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    Promise<Void> outcome = Promise.promise();
    long timer =
        ctx.vertx()
            .setTimer(
                timeout.toMillis(),
                id -> outcome.tryFail("check timed out after " + timeout.toMillis() + "ms"));
    runCheck()
        .onComplete(
            done -> {
              ctx.vertx().cancelTimer(timer);
              if (done.succeeded()) {
                outcome.tryComplete(done.result());
              } else {
                outcome.tryFail(done.cause());
              }
            });
    outcome
        .future()
        .onComplete(
            done -> {
              JsonObject body;
              int status;
              if (done.succeeded()) {
                status = 200;
                body = new JsonObject().put("status", "ready");
              } else {
                status = 503;
                String reason = String.valueOf(done.cause().getMessage());
                LOG.debug("answer not ready [reason: {}]", reason);
                body =
                    new JsonObject()
                        .put("status", "not ready")
                        .put(
                            "reason",
                            reason.length() > MAX_REASON
                                ? reason.substring(0, MAX_REASON) + "..."
                                : reason);
              }
              ctx.response()
                  .setStatusCode(status)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                  .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                  .end(body.toBuffer());
            });
  }

  private Future<Void> runCheck() {
    try {
      Future<Void> result = check.get();
      return result != null ? result : Future.failedFuture("check returned no future");
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
