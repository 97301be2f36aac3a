package dev.tripline.handlers.segment;

import dev.tripline.handlers.ClientIpResolver;
import dev.tripline.handlers.CountedAdmission;
import dev.tripline.handlers.EventBatchReader;
import dev.tripline.handlers.GuardedIngest;
import dev.tripline.handlers.HttpException;
import dev.tripline.handlers.IngestLimits;
import dev.tripline.handlers.IngestObserver;
import dev.tripline.handlers.IngestRejection;
import dev.tripline.handlers.LogText;
import dev.tripline.handlers.RejectReason;
import dev.tripline.handlers.SourceBodyLimit;
import dev.tripline.handlers.StoreUnavailableException;
import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.handlers.segment.SegmentMessages.Arrival;
import dev.tripline.handlers.segment.SegmentMessages.BatchDefaults;
import dev.tripline.handlers.segment.SegmentMessages.Mapped;
import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Segment route: a single call ({@code /v1/track}, ...) or a batch ({@code /v1/batch}, {@code
 * /v1/import}). Answers {@code 200 {"success": true}}, as Segment does, only once the calls'
 * profile updates and events are durable.
 *
 * <p>All or nothing at validation, like {@code /v1/events}: every call of a batch is mapped before
 * anything is stored, so a 400 (naming the {@code index} and the field) means nothing was stored
 * and the sender can fix and re-send the batch. Profile updates are written before the events, so
 * that the events, once handed to detection, meet their users' new traits.
 */
final class SegmentHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentHandler.class);
  private static final Buffer SUCCESS = new JsonObject().put("success", true).toBuffer();
  private static final String BATCH = "batch";

  /** The call this route takes, or {@code null} for a batch. */
  private final SegmentCall call;

  private final int maxBodyBytes;
  private final int maxEventBytes;
  private final IngestLimits limits;
  private final EventBatchReader reader;
  private final SegmentMessages messages;
  private final GuardedIngest ingest;
  private final Profiles profiles;
  private final IngestAccess access;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;
  private final InstantSource clock;

  SegmentHandler(
      SegmentCall call,
      int maxBodyBytes,
      int maxEventBytes,
      IngestLimits limits,
      EventBatchReader reader,
      SegmentMessages messages,
      GuardedIngest ingest,
      Profiles profiles,
      IngestAccess access,
      ClientIpResolver clientIps,
      IngestObserver observer,
      InstantSource clock) {
    this.call = call;
    this.maxBodyBytes = maxBodyBytes;
    this.maxEventBytes = maxEventBytes;
    this.limits = limits;
    this.reader = reader;
    this.messages = messages;
    this.ingest = ingest;
    this.profiles = profiles;
    this.access = access;
    this.clientIps = clientIps;
    this.observer = observer;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Instant receivedAt = clock.instant();
    List<Mapped> calls;
    try {
      Buffer body = bodyOf(ctx);
      if (body.length() > maxBodyBytes) {
        throw SegmentBodyGuard.tooLarge(
            maxBodyBytes, call == null ? "a batch" : "a call", body.length());
      }
      JsonObject json = reader.readObject(body);
      String peerIp = clientIps.resolve(ctx.request());
      String source =
          CountedAdmission.admit(
              access, observer, presentedKey(ctx, json), peerIp, SegmentRoutes.OPEN_ACCESS_SOURCE);
      // the key may be in the body: a source's own limit applies once the body is read
      OptionalInt sourceLimit = access.maxBodyBytes(source);
      if (sourceLimit.isPresent() && body.length() > sourceLimit.getAsInt()) {
        throw SourceBodyLimit.tooLarge(source, sourceLimit.getAsInt(), body.length());
      }
      Arrival arrival = new Arrival(source, peerIp, receivedAt);
      calls =
          call == null
              ? batch(json, arrival)
              : List.of(messages.map(call, json, BatchDefaults.NONE, arrival));
    } catch (IngestRejection rejection) {
      observer.rejected(rejection.reason().tag());
      ctx.fail(rejection);
      return;
    } catch (HttpException e) {
      if (e.status() == 400) {
        observer.rejected(RejectReason.INVALID_EVENT.tag());
      }
      ctx.fail(e);
      return;
    }
    List<Event> events = new ArrayList<>(calls.size());
    calls.forEach(mapped -> events.add(mapped.event()));
    identify(merged(calls))
        .compose(v -> ingest.ingest(events))
        .onSuccess(
            result ->
                ctx.response()
                    .setStatusCode(200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(SUCCESS))
        .onFailure(ctx::fail);
  }

  /** The Basic user or Bearer token, else the body's {@code writeKey} (Segment accepts both). */
  private static String presentedKey(RoutingContext ctx, JsonObject json) {
    String key = IngestAccess.presentedKey(ctx.request());
    if (key == null && json.getValue("writeKey") instanceof String body && !body.isEmpty()) {
      key = body;
    }
    return key;
  }

  private List<Mapped> batch(JsonObject json, Arrival arrival) {
    Object value = json.getValue(BATCH);
    if (!(value instanceof JsonArray batch)) {
      throw new IngestRejection(
          RejectReason.INVALID_EVENT,
          400,
          "batch: required, an array of Segment calls",
          BATCH,
          null);
    }
    if (batch.isEmpty()) {
      throw new IngestRejection(
          RejectReason.INVALID_EVENT, 400, "batch: must hold at least 1 call, was []", BATCH, null);
    }
    if (batch.size() > limits.maxBatchEvents()) {
      throw new IngestRejection(
          RejectReason.TOO_MANY_EVENTS,
          400,
          "batch: must hold at most " + limits.maxBatchEvents() + " calls, was " + batch.size(),
          BATCH,
          null);
    }
    BatchDefaults defaults = defaults(json);
    List<Mapped> calls = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      if (!(batch.getValue(i) instanceof JsonObject item)) {
        throw new IngestRejection(
            RejectReason.INVALID_EVENT, 400, "batch[" + i + "]: must be an object", BATCH, i);
      }
      int size = item.toBuffer().length();
      if (size > maxEventBytes) {
        throw SegmentBodyGuard.tooLarge(maxEventBytes, "each call of a batch", size).atIndex(i);
      }
      SegmentCall itemCall = SegmentCall.of(item.getValue("type"));
      if (itemCall == null) {
        throw new IngestRejection(
            RejectReason.INVALID_EVENT,
            400,
            "type: must be one of track, identify, page, screen, group, alias, was "
                + (item.getValue("type") == null ? "absent" : item.getValue("type")),
            "type",
            i);
      }
      try {
        calls.add(messages.map(itemCall, item, defaults, arrival));
      } catch (HttpException e) {
        throw IngestRejection.of(RejectReason.INVALID_EVENT, e).atIndex(i);
      }
    }
    return calls;
  }

  private static BatchDefaults defaults(JsonObject json) {
    Object context = json.getValue("context");
    if (context != null && !(context instanceof JsonObject)) {
      throw new IngestRejection(
          RejectReason.INVALID_EVENT, 400, "context: must be an object", "context", null);
    }
    Instant sent;
    try {
      sent = SegmentTimestamps.read("sentAt", json.getValue("sentAt"));
    } catch (HttpException e) {
      throw IngestRejection.of(RejectReason.INVALID_EVENT, e);
    }
    return new BatchDefaults(context == null ? new JsonObject() : (JsonObject) context, sent);
  }

  /** One update per user: traits merged in call order, first and last seen over the calls. */
  private static List<ProfileUpdate> merged(List<Mapped> calls) {
    Map<String, ProfileUpdate> byUser = new LinkedHashMap<>();
    for (Mapped mapped : calls) {
      ProfileUpdate next = mapped.profile();
      if (next == null) {
        continue;
      }
      byUser.merge(
          next.userId(),
          next,
          (a, b) -> {
            Map<String, Object> traits = new HashMap<>(a.traits());
            traits.putAll(b.traits());
            return new ProfileUpdate(
                a.userId(),
                traits,
                a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen());
          });
    }
    return List.copyOf(byUser.values());
  }

  private Future<Void> identify(List<ProfileUpdate> updates) {
    if (updates.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Void> written;
    try {
      written = profiles.identify(updates);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    return written.recover(
        failure -> {
          observer.rejected(RejectReason.STORE_UNAVAILABLE.tag());
          LOG.warn(
              "failed to update profiles [users: {}, error: {}]",
              updates.size(),
              LogText.escape(failure));
          return Future.failedFuture(new StoreUnavailableException(limits.retryAfter()));
        });
  }

  private static Buffer bodyOf(RoutingContext ctx) {
    RequestBody body = ctx.body();
    Buffer buffer = body == null ? null : body.buffer();
    return buffer == null ? Buffer.buffer() : buffer;
  }
}
