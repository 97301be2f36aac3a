package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
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

  private final IngestWiring wiring;
  private final StreamAuth auth;

  /** Routes built from the collaborators every ingest route shares. */
  public StreamRoutes(IngestWiring wiring) {
    this(wiring, StreamAuth.DEFAULTS);
  }

  StreamRoutes(IngestWiring wiring, StreamAuth auth) {
    this.wiring = Objects.requireNonNull(wiring, "wiring");
    this.auth = Objects.requireNonNull(auth, "auth");
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
            new StreamHandler(reader, ingest, clientIps, observer, clock, limits, access, auth));
    // SockJS's xhr and other HTTP transports read POST bodies through a body handler: bound it
    router
        .post(SOCKJS_PATH + "/*")
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()));
    router
        .route(SOCKJS_PATH + "/*")
        .subRouter(
            SockJSHandler.create(vertx, new SockJSHandlerOptions())
                .socketHandler(
                    new SockJsStream(
                        vertx, reader, ingest, clientIps, observer, clock, limits, access, auth)));
    return router;
  }
}
