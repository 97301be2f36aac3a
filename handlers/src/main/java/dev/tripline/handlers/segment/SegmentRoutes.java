package dev.tripline.handlers.segment;

import dev.tripline.handlers.EventBatchReader;
import dev.tripline.handlers.EventParser;
import dev.tripline.handlers.GuardedIngest;
import dev.tripline.handlers.HttpException;
import dev.tripline.handlers.IngestLimits;
import dev.tripline.handlers.IngestObserver;
import dev.tripline.handlers.IngestWiring;
import dev.tripline.handlers.RejectReason;
import dev.tripline.handlers.access.IngestAccess;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Objects;

/**
 * The Segment-compatible Tracking API: {@code POST /v1/track}, {@code /v1/identify}, {@code
 * /v1/page}, {@code /v1/screen}, {@code /v1/group}, {@code /v1/alias}, {@code /v1/batch} and {@code
 * /v1/import} (the batch path Segment's Java library posts to), so that Segment's own libraries can
 * send to Tripline unchanged.
 *
 * <p>Segment's limits hold: at most {@value #MAX_CALL_BYTES} bytes per call and {@value
 * #MAX_BATCH_BYTES} per batch (or {@code ingest.max-body-size} when smaller), each call of a batch
 * at most {@value #MAX_CALL_BYTES} bytes, answered {@code 400} with the reason as Segment answers
 * them. The write key is the HTTP Basic user (or a Bearer token), else the body's {@code writeKey};
 * {@link IngestAccess} decides the source it stands for. The composition root builds one and calls
 * {@link #mount(Router)}; JSON errors come from the router's shared error handling.
 */
public final class SegmentRoutes {

  /** Segment's limit on one call: 32 KiB. */
  public static final int MAX_CALL_BYTES = 32 * 1024;

  /** Segment's limit on one batch request: 500 KiB. */
  public static final int MAX_BATCH_BYTES = 500 * 1024;

  /** The source of Segment calls while no write keys are configured (open access). */
  public static final String OPEN_ACCESS_SOURCE = "segment";

  /** The batch paths: Segment's documented one and the one its Java library posts to. */
  static final String[] BATCH_PATHS = {"/v1/batch", "/v1/import"};

  private final IngestWiring wiring;
  private final IngestLimits limits;
  private final IngestObserver observer;
  private final Profiles profiles;

  /**
   * @param wiring the shared ingest collaborators; its access decides who may send (write keys
   *     bound to sources) and how fast, its clock also drives the clock-skew correction
   * @param profiles where {@code identify} traits go
   */
  public SegmentRoutes(IngestWiring wiring, Profiles profiles) {
    this.wiring = Objects.requireNonNull(wiring, "wiring");
    this.limits = wiring.limits();
    this.observer = wiring.observer();
    this.profiles = Objects.requireNonNull(profiles, "profiles");
  }

  /**
   * Mounts every Segment route. Mount {@link dev.tripline.handlers.IngestRoutes#mountErrorHandling
   * the error handling} on the router too (the ingest routes do), so that errors are JSON.
   *
   * @return {@code router}, for chaining
   */
  public Router mount(Router router) {
    EventParser parser = wiring.newParser();
    EventBatchReader reader = new EventBatchReader(limits, parser);
    SegmentMessages messages = new SegmentMessages(parser);
    GuardedIngest ingest = wiring.newIngest();
    int callBytes = Math.min(MAX_CALL_BYTES, limits.maxBodyBytes());
    int batchBytes = Math.min(MAX_BATCH_BYTES, limits.maxBodyBytes());
    for (SegmentCall call : SegmentCall.values()) {
      mount(
          router,
          "/v1/" + call.wire(),
          call,
          callBytes,
          callBytes,
          "a call",
          reader,
          messages,
          ingest);
    }
    for (String path : BATCH_PATHS) {
      mount(router, path, null, batchBytes, callBytes, "a batch", reader, messages, ingest);
    }
    return router;
  }

  private void mount(
      Router router,
      String path,
      SegmentCall call,
      int maxBodyBytes,
      int maxCallBytes,
      String what,
      EventBatchReader reader,
      SegmentMessages messages,
      GuardedIngest ingest) {
    // ahead of the shared error handler: the body handler's bare 413 for a chunked body that grew
    // past the limit becomes Segment's 400 with the reason
    router
        .post(path)
        .order(-1)
        .failureHandler(
            ctx -> {
              if (ctx.statusCode() == 413 && !(ctx.failure() instanceof HttpException)) {
                observer.rejected(RejectReason.TOO_LARGE.tag());
                ctx.fail(SegmentBodyGuard.tooLarge(maxBodyBytes, what, -1));
              } else {
                ctx.next();
              }
            });
    router.post(path).handler(new SegmentBodyGuard(maxBodyBytes, what, observer));
    router
        .post(path)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(
            new SegmentHandler(
                call,
                maxBodyBytes,
                maxCallBytes,
                limits,
                reader,
                messages,
                ingest,
                profiles,
                wiring.access(),
                wiring.clientIps(),
                observer,
                wiring.clock()));
  }
}
