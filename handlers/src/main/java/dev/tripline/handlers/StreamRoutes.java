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

  private final Vertx vertx;
  private final IngestService service;
  private final IngestLimits limits;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;
  private final InstantSource clock;
  private final IdGenerator ids;
  private final IngestAccess access;
  private final StreamAuth auth;

  /**
   * @param access write keys and rate limits ({@link IngestAccess#open()} for none)
   */
  public StreamRoutes(
      Vertx vertx,
      IngestService service,
      IngestLimits limits,
      ClientIpResolver clientIps,
      IngestObserver observer,
      InstantSource clock,
      IdGenerator ids,
      IngestAccess access) {
    this(vertx, service, limits, clientIps, observer, clock, ids, access, StreamAuth.DEFAULTS);
  }

  StreamRoutes(
      Vertx vertx,
      IngestService service,
      IngestLimits limits,
      ClientIpResolver clientIps,
      IngestObserver observer,
      InstantSource clock,
      IdGenerator ids,
      IngestAccess access,
      StreamAuth auth) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.service = Objects.requireNonNull(service, "service");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clientIps = Objects.requireNonNull(clientIps, "clientIps");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ids = Objects.requireNonNull(ids, "ids");
    this.access = Objects.requireNonNull(access, "access");
    this.auth = Objects.requireNonNull(auth, "auth");
  }

  /**
   * Mounts both streams. Errors go to the router's failure handler ({@link
   * IngestRoutes#mountErrorHandling(Router)}).
   *
   * @return {@code router}, for chaining
   */
  public Router mount(Router router) {
    EventBatchReader reader =
        new EventBatchReader(limits, new EventParser(limits.maxClockSkew(), ids));
    GuardedIngest ingest = new GuardedIngest(vertx, service, limits, observer, clock);
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
