package dev.tripline.handlers;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /health}: liveness. Always 200 {@code {"status":"up"}} while the event loop answers, and
 * deliberately checks nothing else, so a slow database makes the gateway unready (see {@link
 * ReadinessHandler}) rather than restarted.
 */
public final class HealthHandler implements Handler<RoutingContext> {

  private static final Buffer UP = Buffer.buffer("{\"status\":\"up\"}");

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(UP.copy());
  }
}
