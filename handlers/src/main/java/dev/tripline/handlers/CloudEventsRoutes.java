package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Wires CloudEvents ingestion onto a router: {@code POST /v1/cloudevents} in every mode, and the
 * structured and batch content types on {@code POST /v1/events} too. Mount it before {@link
 * IngestRoutes}, whose {@code /v1/events} route would otherwise answer those content types with
 * 415.
 */
public final class CloudEventsRoutes {

  /** The CloudEvents ingest path. */
  public static final String PATH = "/v1/cloudevents";

  private final Vertx vertx;
  private final IngestService service;
  private final IngestLimits limits;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;
  private final InstantSource clock;
  private final IdGenerator ids;
  private final IngestAccess access;

  /**
   * @param access write keys and rate limits ({@link IngestAccess#open()} for none)
   */
  public CloudEventsRoutes(
      Vertx vertx,
      IngestService service,
      IngestLimits limits,
      ClientIpResolver clientIps,
      IngestObserver observer,
      InstantSource clock,
      IdGenerator ids,
      IngestAccess access) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.service = Objects.requireNonNull(service, "service");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clientIps = Objects.requireNonNull(clientIps, "clientIps");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ids = Objects.requireNonNull(ids, "ids");
    this.access = Objects.requireNonNull(access, "access");
  }

  /**
   * Mounts the routes. Errors go to the router's failure handler ({@link
   * IngestRoutes#mountErrorHandling(Router)}).
   *
   * @return {@code router}, for chaining
   */
  public Router mount(Router router) {
    EventParser parser = new EventParser(limits.maxClockSkew(), ids);
    CloudEventsHandler handler =
        new CloudEventsHandler(
            new CloudEventReader(limits, parser),
            new EventBatchReader(limits, parser),
            new GuardedIngest(vertx, service, limits, observer, clock),
            clientIps,
            observer,
            clock,
            limits,
            access);
    router.post(PATH).handler(handler::admit);
    withBody(router.post(PATH), handler);
    for (String type : new String[] {CloudEventsHandler.STRUCTURED, CloudEventsHandler.BATCH}) {
      router.post(IngestRoutes.EVENTS_PATH).consumes(type).handler(handler::admit);
      withBody(router.post(IngestRoutes.EVENTS_PATH).consumes(type), handler);
    }
    return router;
  }

  private void withBody(Route route, CloudEventsHandler handler) {
    route
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
        .handler(handler)
        // only the body handler fails with a bare 413 (a chunked body that grew past the limit)
        .failureHandler(
            ctx -> {
              if (ctx.statusCode() == 413 && !(ctx.failure() instanceof HttpException)) {
                observer.rejected(RejectReason.TOO_LARGE.tag());
              }
              ctx.next();
            });
  }
}
