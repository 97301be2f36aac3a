package dev.tripline.handlers;

import dev.tripline.rules.Event;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * {@code POST /v1/events}: one event object or {@code {"batch": [...]}}, answered with 202 {@code
 * {"accepted": N, "duplicates": M}} only once every event is durable.
 *
 * <p>With write keys configured, events are attributed to the source of the request's key ({@link
 * WriteKeyGuard} admitted it before the body was read); an event that names a different {@code
 * source} is a 400 ({@link EventParser.Arrival#bound}). With open access, an event's own {@code
 * source} (default {@code api}) stands.
 *
 * <p>All or nothing: the whole body is validated before anything reaches {@link IngestService}, so
 * a 400 means nothing was stored and the client can fix and re-send the same request. Runs after
 * the body was read under the size limit ({@link IngestRoutes} mounts the guard and the body
 * handler in front of it); errors go to {@link ErrorHandler} through {@code ctx.fail}.
 */
public final class EventsHandler implements Handler<RoutingContext> {

  private final EventBatchReader reader;
  private final GuardedIngest ingest;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;
  private final InstantSource clock;

  EventsHandler(
      EventBatchReader reader,
      GuardedIngest ingest,
      ClientIpResolver clientIps,
      IngestObserver observer,
      InstantSource clock) {
    this.reader = reader;
    this.ingest = ingest;
    this.clientIps = clientIps;
    this.observer = observer;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Instant receivedAt = clock.instant();
    List<Event> events;
    String boundSource = ctx.get(WriteKeyGuard.BOUND_SOURCE);
    try {
      JsonObject json = reader.readObject(bodyOf(ctx));
      String clientIp = clientIps.resolve(ctx.request());
      EventParser.Arrival arrival =
          boundSource == null
              ? EventParser.Arrival.open(EventParser.DEFAULT_SOURCE, clientIp, receivedAt)
              : EventParser.Arrival.bound(boundSource, clientIp, receivedAt);
      events = reader.events(json, arrival);
    } catch (IngestRejection rejection) {
      observer.rejected(rejection.reason().tag());
      ctx.fail(rejection);
      return;
    }
    ingest.ingest(events).onSuccess(result -> accepted(ctx, result)).onFailure(ctx::fail);
  }

  /** Answers 202 with the counts, once the events are durable. */
  static void accepted(RoutingContext ctx, IngestService.IngestResult result) {
    ctx.response()
        .setStatusCode(202)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(
            new JsonObject()
                .put("accepted", result.accepted())
                .put("duplicates", result.duplicates())
                .toBuffer());
  }

  static Buffer bodyOf(RoutingContext ctx) {
    RequestBody body = ctx.body();
    Buffer buffer = body == null ? null : body.buffer();
    return buffer == null ? Buffer.buffer() : buffer;
  }
}
