package dev.tripline.handlers;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/stream}: a WebSocket on which each text message is one event, an event with a
 * top-level {@code seq}, or {@code {"seq": ..., "batch": [...]}}. Each message is answered, once
 * its events are durable, with {@code {"type":"ack","seq":...,"accepted":N,"duplicates":M}}, or
 * with {@code {"type":"error","seq":...,"error":...,"field":...,"index":...}} when it is invalid.
 * Answers may come out of order; {@code seq} is how the client matches them.
 *
 * <p>A bad message never closes the socket. At most {@link IngestLimits#maxFramesInFlight()}
 * messages per socket await ingest; beyond that the socket stops reading (TCP pushes back on the
 * client). When the store is overloaded the message is retried after its delay, reading paused
 * meanwhile, rather than dropped. Upgraded through the router (not a server-level WebSocket
 * handler) so it composes with other routes. Message size is bounded by the server options, see
 * {@link IngestLimits#applyTo(io.vertx.core.http.HttpServerOptions)}.
 */
public final class StreamHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(StreamHandler.class);

  private final EventBatchReader reader;
  private final GuardedIngest ingest;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;
  private final InstantSource clock;
  private final IngestLimits limits;

  StreamHandler(
      EventBatchReader reader,
      GuardedIngest ingest,
      ClientIpResolver clientIps,
      IngestObserver observer,
      InstantSource clock,
      IngestLimits limits) {
    this.reader = reader;
    this.ingest = ingest;
    this.clientIps = clientIps;
    this.observer = observer;
    this.clock = clock;
    this.limits = limits;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      ctx.fail(new HttpException(400, "expected a WebSocket upgrade request"));
      return;
    }
    String clientIp = clientIps.resolve(ctx.request());
    ctx.request()
        .toWebSocket()
        .onSuccess(
            ws ->
                new StreamSession(
                        ws, ctx.vertx(), reader, ingest, observer, clock, limits, clientIp)
                    .start())
        .onFailure(err -> LOG.debug("failed to upgrade websocket [error: {}]", err.getMessage()));
  }
}
