package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.handlers.hooks.HookSource;
import dev.tripline.handlers.hooks.VerificationException;
import dev.tripline.rules.Event;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * {@code POST /hooks/{source}} for one configured source: verifies the raw body (401 when it does
 * not verify), applies the rate limits (429), maps the payload to one canonical event (400 naming
 * {@code map.<field>} when it lacks what the map needs), and answers 202 {@code {"accepted": 1,
 * "duplicates": 0}} once the event is durable, as {@code POST /v1/events} does.
 *
 * <p>A provider's retry carries the same delivery id, which the map makes the event's {@code id}:
 * it is stored once and answered 202 with {@code "duplicates": 1}, so the provider stops retrying.
 * Runs after the body was read under the source's size limit ({@link IngestRoutes#mountHooks}).
 */
final class HooksHandler implements Handler<RoutingContext> {

  private final HookSource source;
  private final EventBatchReader reader;
  private final EventParser parser;
  private final GuardedIngest ingest;
  private final IngestAccess access;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;
  private final InstantSource clock;

  HooksHandler(
      HookSource source,
      EventBatchReader reader,
      EventParser parser,
      GuardedIngest ingest,
      IngestAccess access,
      ClientIpResolver clientIps,
      IngestObserver observer,
      InstantSource clock) {
    this.source = source;
    this.reader = reader;
    this.parser = parser;
    this.ingest = ingest;
    this.access = access;
    this.clientIps = clientIps;
    this.observer = observer;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Instant receivedAt = clock.instant();
    HttpServerRequest request = ctx.request();
    String clientIp = clientIps.resolve(request);
    Buffer body = EventsHandler.bodyOf(ctx);
    Event event;
    try {
      verify(request, body, receivedAt);
      access.admitSource(source.id(), clientIp);
      JsonObject mapped = source.mapping().apply(reader.readObject(body), request.headers());
      event = parse(mapped, EventParser.Arrival.bound(source.id(), clientIp, receivedAt));
    } catch (IngestRejection rejection) {
      observer.rejected(rejection.reason().tag());
      ctx.fail(rejection);
      return;
    } catch (RateLimitedException limited) {
      observer.rejected(RejectReason.RATE_LIMITED.tag());
      ctx.fail(limited);
      return;
    } catch (HttpException mapping) {
      observer.rejected(RejectReason.INVALID_EVENT.tag());
      ctx.fail(mapping);
      return;
    }
    ingest
        .ingest(List.of(event))
        .onSuccess(result -> EventsHandler.accepted(ctx, result))
        .onFailure(ctx::fail);
  }

  private void verify(HttpServerRequest request, Buffer body, Instant now) {
    try {
      source.verifier().verify(request.headers(), body, now);
    } catch (VerificationException e) {
      observer.verificationFailed(source.id(), e.reason().tag());
      throw new IngestRejection(RejectReason.UNAUTHORIZED, 401, e.getMessage(), e.field(), null);
    }
  }

  /** Validates the mapped event as {@code POST /v1/events} would, naming the map's field. */
  private Event parse(JsonObject mapped, EventParser.Arrival arrival) {
    try {
      return parser.parse(mapped, arrival);
    } catch (HttpException e) {
      String field = e.field() == null ? "map" : "map." + e.field();
      String message =
          e.field() != null && e.getMessage().startsWith(e.field() + ":")
              ? "map." + e.getMessage()
              : e.getMessage();
      throw new IngestRejection(RejectReason.INVALID_EVENT, 400, message, field, null);
    }
  }
}
