package dev.tripline.handlers;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
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

  private final IngestWiring wiring;

  /** Routes built from the collaborators every ingest route shares. */
  public CloudEventsRoutes(IngestWiring wiring) {
    this.wiring = Objects.requireNonNull(wiring, "wiring");
  }

  /**
   * Mounts the routes. Errors go to the router's failure handler ({@link
   * IngestRoutes#mountErrorHandling(Router)}).
   *
   * @return {@code router}, for chaining
   */
  public Router mount(Router router) {
    IngestLimits limits = wiring.limits();
    EventParser parser = wiring.newParser();
    CloudEventsHandler handler =
        new CloudEventsHandler(
            new CloudEventReader(limits, parser),
            new EventBatchReader(limits, parser),
            wiring.newIngest(),
            wiring.clientIps(),
            wiring.observer(),
            wiring.clock(),
            limits,
            wiring.access());
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
        .handler(BodyHandler.create(false).setBodyLimit(wiring.limits().maxBodyBytes()))
        .handler(SourceBodyLimit.afterBody(wiring.observer()))
        .handler(handler)
        // only the body handler fails with a bare 413 (a chunked body that grew past the limit)
        .failureHandler(
            ctx -> {
              if (ctx.statusCode() == 413 && !(ctx.failure() instanceof HttpException)) {
                wiring.observer().rejected(RejectReason.TOO_LARGE.tag());
              }
              ctx.next();
            });
  }
}
