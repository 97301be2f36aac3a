package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Wires the event streams onto a router: the WebSocket {@code GET /v1/stream} ({@link
 * StreamHandler}) and the same protocol over SockJS under {@code /v1/sockjs} ({@link
 * SockJsStream}). Both upgrade through the router: a server-level WebSocket handler would take
 * SockJS's WebSocket upgrades away from it.
 */
public final class StreamRoutes {

  /** The WebSocket stream path. */
  public static final String STREAM_PATH = IngestRoutes.STREAM_PATH;

  /** The SockJS endpoint's prefix. */
  public static final String SOCKJS_PATH = "/v1/sockjs";

  /** The keep-alive of streams on a server with no idle timeout: SockJS's default heartbeat. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(25);

  private final IngestWiring wiring;
  private final StreamAuth auth;
  private final Duration keepAlive;

  /** Routes built from the collaborators every ingest route shares. */
  public StreamRoutes(IngestWiring wiring) {
    this(wiring, DEFAULT_KEEP_ALIVE);
  }

  /**
   * @param keepAlive how often an open stream is sent something (a WebSocket ping, a SockJS
   *     heartbeat) so that a quiet client is not closed by the server's idle timeout; set it below
   *     that timeout
   */
  public StreamRoutes(IngestWiring wiring, Duration keepAlive) {
    this(wiring, StreamAuth.DEFAULTS, keepAlive);
  }

  StreamRoutes(IngestWiring wiring, StreamAuth auth, Duration keepAlive) {
    this.wiring = Objects.requireNonNull(wiring, "wiring");
    this.auth = Objects.requireNonNull(auth, "auth");
    this.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
    if (keepAlive.toMillis() < 1) {
      throw new IllegalArgumentException("keepAlive: must be >= 1ms, was " + keepAlive);
    }
  }

  /**
   * Mounts both streams. Errors go to the router's failure handler ({@link
   * IngestRoutes#mountErrorHandling(Router)}).
   *
   * @return {@code router}, for chaining
   */
  public Router mount(Router router) {
    Vertx vertx = wiring.vertx();
    IngestLimits limits = wiring.limits();
    ClientIpResolver clientIps = wiring.clientIps();
    IngestObserver observer = wiring.observer();
    InstantSource clock = wiring.clock();
    IngestAccess access = wiring.access();
    EventBatchReader reader = new EventBatchReader(limits, wiring.newParser());
    GuardedIngest ingest = wiring.newIngest();
    router
        .get(STREAM_PATH)
        .handler(
            new StreamHandler(
                reader, ingest, clientIps, observer, clock, limits, access, auth, keepAlive));
    // SockJS's xhr and other HTTP transports read POST bodies through a body handler: bound it
    router
        .post(SOCKJS_PATH + "/*")
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()));
    router
        .route(SOCKJS_PATH + "/*")
        .subRouter(
            SockJSHandler.create(
                    vertx, new SockJSHandlerOptions().setHeartbeatInterval(keepAlive.toMillis()))
                .socketHandler(
                    new SockJsStream(
                        vertx, reader, ingest, clientIps, observer, clock, limits, access, auth)));
    return router;
  }
}
