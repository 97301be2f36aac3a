package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.rules.Event;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.util.List;

/**
 * {@code POST /v1/cloudevents}: CloudEvents 1.0 over HTTP in structured mode ({@code
 * application/cloudevents+json}), as a batch ({@code application/cloudevents-batch+json}) or in
 * binary mode (attributes in {@code ce-*} headers), answered with 202 {@code {"accepted": N,
 * "duplicates": M}} once every event is durable. All or nothing, like {@code /v1/events}.
 *
 * <p>Two steps: {@link #admit} runs before the body is read (write key, rate limit, content type,
 * declared length), {@link #handle} after the body handler.
 */
final class CloudEventsHandler implements Handler<RoutingContext> {

  /** The structured-mode media type. */
  static final String STRUCTURED = "application/cloudevents+json";

  /** The batch media type. */
  static final String BATCH = "application/cloudevents-batch+json";

  private static final String SOURCE_KEY = "tripline.cloudevents.source";
  private static final String MODE_KEY = "tripline.cloudevents.mode";

  private enum Mode {
    STRUCTURED,
    BATCH,
    BINARY
  }

  private final CloudEventReader reader;
  private final EventBatchReader json;
  private final GuardedIngest ingest;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;
  private final InstantSource clock;
  private final IngestLimits limits;
  private final IngestAccess access;

  CloudEventsHandler(
      CloudEventReader reader,
      EventBatchReader json,
      GuardedIngest ingest,
      ClientIpResolver clientIps,
      IngestObserver observer,
      InstantSource clock,
      IngestLimits limits,
      IngestAccess access) {
    this.reader = reader;
    this.json = json;
    this.ingest = ingest;
    this.clientIps = clientIps;
    this.observer = observer;
    this.clock = clock;
    this.limits = limits;
    this.access = access;
  }

  /**
   * Before the body: the write key (401) and rate limit (429), then the mode from the headers (415
   * for anything that is not a CloudEvents request in a format we read), then the declared length
   * (413).
   */
  void admit(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String source;
    try {
      source =
          CountedAdmission.admit(
              access,
              observer,
              IngestAccess.presentedKey(request),
              clientIps.resolve(request),
              CloudEventReader.OPEN_SOURCE);
    } catch (HttpException e) {
      ctx.fail(e);
      return;
    }
    Mode mode = modeOf(request);
    if (mode == null) {
      reject(
          ctx,
          new IngestRejection(
              RejectReason.UNSUPPORTED_MEDIA_TYPE,
              415,
              "Content-Type: must be "
                  + STRUCTURED
                  + " or "
                  + BATCH
                  + " (charset utf-8), or a binary-mode CloudEvent with a ce-specversion header,"
                  + " was "
                  + EventParser.show(request.getHeader(HttpHeaders.CONTENT_TYPE))));
      return;
    }
    long declared = JsonContentGuard.declaredLength(request);
    if (declared > limits.maxBodyBytes()) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      reject(
          ctx,
          new IngestRejection(
              RejectReason.TOO_LARGE,
              413,
              "body too large: must be at most maxBodyBytes "
                  + limits.maxBodyBytes()
                  + " bytes, was "
                  + declared));
      return;
    }
    if (!SourceBodyLimit.admitted(ctx, access, source, observer)) {
      return;
    }
    ctx.put(SOURCE_KEY, source);
    ctx.put(MODE_KEY, mode);
    ctx.next();
  }

  @Override
  public void handle(RoutingContext ctx) {
    String source = ctx.get(SOURCE_KEY);
    Mode mode = ctx.get(MODE_KEY);
    HttpServerRequest request = ctx.request();
    // a CloudEvent's source attribute is the producer's URI, kept in context: the event's source
    // is the write key's (cloudevents with open access), whatever the attribute says
    EventParser.Arrival arrival =
        EventParser.Arrival.bound(source, clientIps.resolve(request), clock.instant());
    List<Event> events;
    try {
      Buffer body = bodyOf(ctx);
      events =
          switch (mode) {
            case STRUCTURED -> List.of(reader.structured(json.readObject(body), arrival));
            case BATCH -> reader.batch(readArray(body), arrival);
            case BINARY ->
                List.of(
                    reader.binary(
                        request.headers(),
                        request.getHeader(HttpHeaders.CONTENT_TYPE),
                        body,
                        arrival));
          };
    } catch (IngestRejection rejection) {
      reject(ctx, rejection);
      return;
    }
    if (events.isEmpty()) {
      answer(ctx, 0, 0);
      return;
    }
    ingest
        .ingest(events)
        .onSuccess(result -> answer(ctx, result.accepted(), result.duplicates()))
        .onFailure(ctx::fail);
  }

  private JsonArray readArray(Buffer body) {
    JsonDepth.requireAtMost(body, limits.maxJsonDepth());
    Object value = EventBatchReader.decode(body);
    if (value instanceof JsonArray array) {
      return array;
    }
    throw new IngestRejection(
        RejectReason.INVALID_EVENT,
        400,
        "body: a CloudEvents batch must be a JSON array of events, was " + EventParser.show(value),
        "batch",
        null);
  }

  private static void answer(RoutingContext ctx, int accepted, int duplicates) {
    ctx.response()
        .setStatusCode(202)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("accepted", accepted).put("duplicates", duplicates).toBuffer());
  }

  private void reject(RoutingContext ctx, IngestRejection rejection) {
    observer.rejected(rejection.reason().tag());
    ctx.fail(rejection);
  }

  private static Mode modeOf(HttpServerRequest request) {
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    String media = CloudEventReader.mediaType(contentType);
    if (STRUCTURED.equals(media)) {
      return utf8(contentType) ? Mode.STRUCTURED : null;
    }
    if (BATCH.equals(media)) {
      return utf8(contentType) ? Mode.BATCH : null;
    }
    if (media != null && media.startsWith("application/cloudevents")) {
      return null; // a structured format other than JSON
    }
    return request.getHeader("ce-specversion") != null ? Mode.BINARY : null;
  }

  /** A JSON media type with no charset or UTF-8, as {@link JsonContentGuard} accepts. */
  private static boolean utf8(String contentType) {
    int semicolon = contentType.indexOf(';');
    return semicolon < 0
        || JsonContentGuard.isJson("application/json" + contentType.substring(semicolon));
  }

  private static Buffer bodyOf(RoutingContext ctx) {
    RequestBody body = ctx.body();
    Buffer buffer = body == null ? null : body.buffer();
    return buffer == null ? Buffer.buffer() : buffer;
  }
}
