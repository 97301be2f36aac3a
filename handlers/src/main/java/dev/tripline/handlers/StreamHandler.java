package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
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
 * <p>Authentication as over HTTP: a write key in the upgrade's {@code Authorization} header (Basic
 * user or Bearer) is checked before the upgrade (401 or 429 instead of a socket), or the first
 * frame authenticates (see {@link StreamSession}), for browsers that cannot set headers.
 *
 * <p>A bad message never closes the socket. At most {@link IngestLimits#maxFramesInFlight()}
 * messages per socket await ingest; beyond that the socket stops reading (TCP pushes back on the
 * client). When the store is overloaded or unavailable the message is retried after its delay,
 * reading paused meanwhile, rather than dropped; a message the store refuses (an event it cannot
 * hold) is answered with an error like any invalid one, never retried. Upgraded through the router
 * (not a server-level WebSocket handler) so it composes with other routes, SockJS among them.
 *
 * <p>A message over {@link IngestLimits#maxBodyBytes()}, in one frame or several, closes the socket
 * with 1009 (message too big), and a text message that is not UTF-8 with 1007 (invalid payload), as
 * RFC 6455 prescribes: the frames are assembled by {@link FrameAssembler}. Open sockets are pinged
 * by a {@link StreamKeepAlive}, which closes one whose client stopped answering.
 */
public final class StreamHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(StreamHandler.class);

  private final EventBatchReader reader;
  private final GuardedIngest ingest;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;
  private final InstantSource clock;
  private final IngestLimits limits;
  private final IngestAccess access;
  private final StreamAuth auth;
  private final Duration keepAlive;

  StreamHandler(
      EventBatchReader reader,
      GuardedIngest ingest,
      ClientIpResolver clientIps,
      IngestObserver observer,
      InstantSource clock,
      IngestLimits limits,
      IngestAccess access,
      StreamAuth auth,
      Duration keepAlive) {
    this.reader = reader;
    this.ingest = ingest;
    this.clientIps = clientIps;
    this.observer = observer;
    this.clock = clock;
    this.limits = limits;
    this.access = access;
    this.auth = auth;
    this.keepAlive = keepAlive;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!request.canUpgradeToWebSocket()) {
      ctx.fail(new HttpException(400, "expected a WebSocket upgrade request"));
      return;
    }
    String clientIp = clientIps.resolve(request);
    String key = IngestAccess.presentedKey(request);
    String source = null;
    if (key != null || !access.keyRequired()) {
      try {
        source =
            CountedAdmission.admit(access, observer, key, clientIp, EventParser.DEFAULT_SOURCE);
      } catch (HttpException refused) {
        ctx.fail(refused);
        return;
      }
    }
    String admitted = source;
    request
        .toWebSocket()
        .onSuccess(ws -> open(ws, ctx, clientIp, admitted))
        .onFailure(err -> LOG.debug("failed to upgrade websocket [error: {}]", err.getMessage()));
  }

  private void open(ServerWebSocket ws, RoutingContext ctx, String clientIp, String source) {
    StreamSocket socket = new WebSocketAdapter(ws);
    StreamSession session =
        new StreamSession(
            socket,
            ctx.vertx(),
            reader,
            ingest,
            observer,
            clock,
            limits,
            clientIp,
            access,
            auth,
            source);
    FrameAssembler messages =
        new FrameAssembler(
            limits.maxBodyBytes(), socket, observer, session::onText, session::onBinary);
    StreamKeepAlive pings =
        StreamKeepAlive.start(ctx.vertx(), ws, keepAlive, session::readingPaused);
    ws.frameHandler(
        frame -> {
          pings.heard();
          messages.handle(frame);
        });
    ws.drainHandler(v -> session.onDrain());
    ws.exceptionHandler(
        err -> {
          if (!messages.onDecoderFailure(err)) {
            LOG.debug("websocket error [client: {}, error: {}]", clientIp, err.getMessage());
          }
        });
    ws.closeHandler(
        v -> {
          pings.stop();
          session.onClose();
        });
    ws.shutdownHandler(v -> session.onShutdown());
    session.start();
  }

  private record WebSocketAdapter(ServerWebSocket ws) implements StreamSocket {
    @Override
    public Future<Void> write(String text) {
      return ws.writeTextMessage(text);
    }

    @Override
    public boolean writeQueueFull() {
      return ws.writeQueueFull();
    }

    @Override
    public void pause() {
      ws.pause();
    }

    @Override
    public void resume() {
      ws.resume();
    }

    @Override
    public void close(short status, String reason) {
      ws.close(status, reason);
    }
  }
}
