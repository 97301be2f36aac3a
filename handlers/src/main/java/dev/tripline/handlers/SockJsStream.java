package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/sockjs}: the stream protocol of {@link StreamHandler} over SockJS, for clients behind
 * proxies that break WebSockets. Every SockJS message is one stream frame and gets the same answers
 * (acks, errors, {@code authenticated}); authentication, backpressure and limits are the same. The
 * {@code Authorization} header of the session's first request counts as the upgrade's; a refused
 * one is answered with an error frame and the session closed, as a SockJS session cannot be refused
 * with a status.
 *
 * <p>Messages reach this class already assembled and decoded by Vert.x's SockJS transports, so the
 * transport decides what a client sees for a message over the limit (see the README): the raw
 * WebSocket transport passes on 1009; the SockJS WebSocket transport ends the session without
 * SockJS's close frame; the HTTP transports answer the POST with 413.
 */
final class SockJsStream implements Handler<SockJSSocket> {

  private static final Logger LOG = LoggerFactory.getLogger(SockJsStream.class);
  private static final String X_FORWARDED_FOR = "X-Forwarded-For";

  private final Vertx vertx;
  private final EventBatchReader reader;
  private final GuardedIngest ingest;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;
  private final InstantSource clock;
  private final IngestLimits limits;
  private final IngestAccess access;
  private final StreamAuth auth;

  SockJsStream(
      Vertx vertx,
      EventBatchReader reader,
      GuardedIngest ingest,
      ClientIpResolver clientIps,
      IngestObserver observer,
      InstantSource clock,
      IngestLimits limits,
      IngestAccess access,
      StreamAuth auth) {
    this.vertx = vertx;
    this.reader = reader;
    this.ingest = ingest;
    this.clientIps = clientIps;
    this.observer = observer;
    this.clock = clock;
    this.limits = limits;
    this.access = access;
    this.auth = auth;
  }

  @Override
  public void handle(SockJSSocket sock) {
    MultiMap headers = sock.headers() == null ? MultiMap.caseInsensitiveMultiMap() : sock.headers();
    SocketAddress peer = sock.remoteAddress();
    String peerIp = peer == null ? null : peer.hostAddress();
    String clientIp =
        peerIp == null
            ? null
            : clientIps.resolve(peerIp, List.copyOf(headers.getAll(X_FORWARDED_FOR)));
    String key = IngestAccess.keyFromAuthorization(headers.get(HttpHeaders.AUTHORIZATION));
    String source = null;
    if (key != null || !access.keyRequired()) {
      try {
        source =
            CountedAdmission.admit(access, observer, key, clientIp, EventParser.DEFAULT_SOURCE);
      } catch (HttpException refused) {
        JsonObject error = new JsonObject().put("type", "error").put("error", refused.getMessage());
        if (refused.field() != null) {
          error.put("field", refused.field());
        }
        sock.write(error.encode()).onComplete(done -> sock.close(1008, refused.getMessage()));
        return;
      }
    }
    StreamSession session =
        new StreamSession(
            new SockJsAdapter(sock),
            vertx,
            reader,
            ingest,
            observer,
            clock,
            limits,
            clientIp,
            access,
            auth,
            source);
    sock.handler(
        message -> {
          if (message.length() > limits.maxBodyBytes()) {
            // as a WebSocket does with a message over the limit: 1009, message too big
            observer.rejected(RejectReason.TOO_LARGE.tag());
            sock.close(
                FrameAssembler.MESSAGE_TOO_BIG, FrameAssembler.tooBig(limits.maxBodyBytes()));
            return;
          }
          session.onText(message.toString(StandardCharsets.UTF_8));
        });
    sock.drainHandler(v -> session.onDrain());
    sock.exceptionHandler(
        err -> {
          if (FrameAssembler.isTooBig(err)) {
            // SockJS has ended the session already, but leaves an open socket behind when the
            // message came in fragments: close it, so the client does not send into the void
            observer.rejected(RejectReason.TOO_LARGE.tag());
            sock.close(
                FrameAssembler.MESSAGE_TOO_BIG, FrameAssembler.tooBig(limits.maxBodyBytes()));
          } else {
            LOG.debug("sockjs error [client: {}, error: {}]", clientIp, err.getMessage());
          }
        });
    sock.closeHandler(v -> session.onClose());
    session.start();
  }

  private record SockJsAdapter(SockJSSocket sock) implements StreamSocket {
    @Override
    public Future<Void> write(String text) {
      return sock.write(text);
    }

    @Override
    public boolean writeQueueFull() {
      return sock.writeQueueFull();
    }

    @Override
    public void pause() {
      sock.pause();
    }

    @Override
    public void resume() {
      sock.resume();
    }

    @Override
    public void close(short status, String reason) {
      sock.close(status, reason);
    }
  }
}
