package dev.tripline.handlers;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Wires the ingest endpoints onto a router: {@code POST /v1/events} and the JSON error handling
 * every route shares ({@link StreamRoutes} mounts {@code GET /v1/stream}). The composition root
 * (the gateway) builds one and calls {@link #mount(Router)}; everything else here is plain
 * constructors.
 */
public final class IngestRoutes {

  /** The HTTP ingest path. */
  public static final String EVENTS_PATH = "/v1/events";

  /** The WebSocket ingest path, mounted by {@link StreamRoutes}. */
  public static final String STREAM_PATH = "/v1/stream";

  private final Vertx vertx;
  private final IngestService service;
  private final IngestLimits limits;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;
  private final InstantSource clock;
  private final IdGenerator ids;

  /**
   * @param clock the gateway clock: {@code receivedAt} of every event and ingest latency
   * @param ids makes ids for events that come without one (see {@link
   *     IdGenerator#timeOrdered(InstantSource)})
   */
  public IngestRoutes(
      Vertx vertx,
      IngestService service,
      IngestLimits limits,
      ClientIpResolver clientIps,
      IngestObserver observer,
      InstantSource clock,
      IdGenerator ids) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.service = Objects.requireNonNull(service, "service");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clientIps = Objects.requireNonNull(clientIps, "clientIps");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ids = Objects.requireNonNull(ids, "ids");
  }

  /**
   * Mounts {@code POST /v1/events} and {@link #mountErrorHandling(Router) the error handling}.
   *
   * @return {@code router}, for chaining
   */
  public Router mount(Router router) {
    EventBatchReader reader =
        new EventBatchReader(limits, new EventParser(limits.maxClockSkew(), ids));
    GuardedIngest ingest = new GuardedIngest(vertx, service, limits, observer, clock);
    // the guard is a route of its own: Vert.x Web requires a body handler to come first on a route
    router.post(EVENTS_PATH).handler(new JsonContentGuard(limits.maxBodyBytes(), observer));
    router
        .post(EVENTS_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
        .handler(new EventsHandler(reader, ingest, clientIps, observer, clock))
        // only the body handler fails with a bare 413 (a chunked body that grew past the limit)
        .failureHandler(
            ctx -> {
              if (ctx.statusCode() == 413 && !(ctx.failure() instanceof HttpException)) {
                observer.rejected(RejectReason.TOO_LARGE.tag());
              }
              ctx.next();
            });
    return mountErrorHandling(router);
  }

  /**
   * Installs {@link ErrorHandler} as the failure handler of every route and as the answer for
   * unknown paths (404) and wrong methods (405), so every error a client sees is JSON.
   *
   * @return {@code router}, for chaining
   */
  public static Router mountErrorHandling(Router router) {
    ErrorHandler errors = new ErrorHandler();
    router.route().failureHandler(errors);
    router.errorHandler(404, errors);
    router.errorHandler(405, errors);
    return router;
  }
}
