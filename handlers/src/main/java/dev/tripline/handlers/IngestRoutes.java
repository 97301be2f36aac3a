package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.handlers.hooks.HookSource;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.InstantSource;
import java.util.List;

/**
 * Wires the ingest endpoints onto a router: {@code POST /v1/events}, the configured webhook
 * sources' {@code POST /hooks/{source}} ({@link #mountHooks}), and the JSON error handling every
 * route shares ({@link StreamRoutes} mounts {@code GET /v1/stream}). The composition root (the
 * gateway) builds one and calls {@link #mount(Router)}; everything else here is plain constructors.
 */
public final class IngestRoutes {

  /** The HTTP ingest path. */
  public static final String EVENTS_PATH = "/v1/events";

  /** The WebSocket ingest path, mounted by {@link StreamRoutes}. */
  public static final String STREAM_PATH = "/v1/stream";

  /** The prefix of each configured webhook source's path, {@code /hooks/{source}}. */
  public static final String HOOKS_PATH = "/hooks/";

  private final IngestLimits limits;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;
  private final InstantSource clock;
  private final IngestAccess access;
  private final EventParser parser;
  private final EventBatchReader reader;
  private final GuardedIngest ingest;

  /** Routes built from the collaborators every ingest route shares. */
  public IngestRoutes(IngestWiring wiring) {
    this.limits = wiring.limits();
    this.clientIps = wiring.clientIps();
    this.observer = wiring.observer();
    this.clock = wiring.clock();
    this.access = wiring.access();
    this.parser = wiring.newParser();
    this.reader = new EventBatchReader(limits, parser);
    this.ingest = wiring.newIngest();
  }

  /**
   * Mounts {@code POST /v1/events} and {@link #mountErrorHandling(Router) the error handling}.
   *
   * @return {@code router}, for chaining
   */
  public Router mount(Router router) {
    // the guards are routes of their own: Vert.x Web requires a body handler to come first on a
    // route
    router.post(EVENTS_PATH).handler(new WriteKeyGuard(access, clientIps, observer));
    router.post(EVENTS_PATH).handler(new JsonContentGuard(limits.maxBodyBytes(), observer));
    router
        .post(EVENTS_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
        .handler(SourceBodyLimit.afterBody(observer))
        .handler(new EventsHandler(reader, ingest, clientIps, observer, clock))
        .failureHandler(this::countTooLarge);
    return mountErrorHandling(router);
  }

  /**
   * Mounts {@code POST /hooks/{id}} for each configured source, each body read under its source's
   * own size limit, and a 404 for any other source.
   *
   * @return {@code router}, for chaining
   */
  public Router mountHooks(Router router, List<HookSource> sources) {
    for (HookSource source : sources) {
      router
          .post(HOOKS_PATH + source.id())
          .handler(BodyHandler.create(false).setBodyLimit(source.maxBodyBytes()))
          .handler(
              new HooksHandler(source, reader, parser, ingest, access, clientIps, observer, clock))
          .failureHandler(this::countTooLarge);
    }
    router
        .post(HOOKS_PATH + ":source")
        .handler(
            ctx -> {
              observer.rejected(RejectReason.UNKNOWN_SOURCE.tag());
              ctx.fail(
                  new HttpException(
                      404,
                      "source: no configured source " + EventParser.show(ctx.pathParam("source")),
                      "source",
                      null));
            });
    return router;
  }

  /** Only a body handler fails with a bare 413 (a chunked body that grew past the limit). */
  private void countTooLarge(RoutingContext ctx) {
    if (ctx.statusCode() == 413 && !(ctx.failure() instanceof HttpException)) {
      observer.rejected(RejectReason.TOO_LARGE.tag());
    }
    ctx.next();
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
