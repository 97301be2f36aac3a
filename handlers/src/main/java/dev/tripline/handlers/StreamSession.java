package dev.tripline.handlers;

import dev.tripline.handlers.IngestService.IngestResult;
import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.rules.Event;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one stream socket (a {@link StreamHandler} WebSocket or a {@link SockJsStream}
 * socket). Every field is touched only on the socket's context, so no locking: completions from the
 * store are hopped back onto it first.
 *
 * <p>Authentication: a session starts authenticated when the upgrade request presented a valid
 * write key (or none is required) and otherwise waits for an auth frame {@code {"auth":
 * {"writeKey": "..."}}}, answered {@code {"type":"authenticated","source":...}}. Until then event
 * frames are answered with an error; after {@code maxAuthFailures} refused frames, or when no valid
 * auth frame came within {@code authTimeout}, the socket is closed with 1008 (policy violation).
 */
final class StreamSession {

  private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);
  private static final String SEQ = "seq";
  private static final int MAX_SEQ_LENGTH = 128;
  private static final String AUTH = "auth";
  private static final String WRITE_KEY = "writeKey";
  private static final short POLICY_VIOLATION = 1008;

  private final StreamSocket ws;
  private final Vertx vertx;
  private final Context context;
  private final EventBatchReader reader;
  private final GuardedIngest ingest;
  private final IngestObserver observer;
  private final InstantSource clock;
  private final IngestLimits limits;
  private final String clientIp;
  private final IngestAccess access;
  private final StreamAuth auth;
  private final Set<Long> retryTimers = new HashSet<>();

  /** The source events are attributed to; {@code null} until authenticated. */
  private String source;

  private int authFailures;
  private long authTimer = -1;

  /** A policy close was asked for: frames still arriving before it completes are dropped. */
  private boolean policyClosed;

  private int inFlight;
  private boolean paused;
  private boolean closed;
  private boolean draining;

  StreamSession(
      StreamSocket ws,
      Vertx vertx,
      EventBatchReader reader,
      GuardedIngest ingest,
      IngestObserver observer,
      InstantSource clock,
      IngestLimits limits,
      String clientIp,
      IngestAccess access,
      StreamAuth auth,
      String source) {
    this.ws = ws;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.reader = reader;
    this.ingest = ingest;
    this.observer = observer;
    this.clock = clock;
    this.limits = limits;
    this.clientIp = clientIp;
    this.access = access;
    this.auth = auth;
    this.source = source;
  }

  /** Starts the authentication timeout of a session that is not authenticated yet. */
  void start() {
    if (source == null) {
      authTimer =
          vertx.setTimer(
              auth.timeout().toMillis(),
              id -> {
                authTimer = -1;
                if (source == null && !closed) {
                  LOG.debug("close unauthenticated stream [client: {}]", clientIp);
                  observer.rejected(RejectReason.UNAUTHORIZED.tag());
                  policyClosed = true;
                  ws.close(POLICY_VIOLATION, "authentication timeout");
                }
              });
    }
  }

  /** Whether the session stopped reading the socket (backpressure, shutdown). */
  boolean readingPaused() {
    return paused;
  }

  /** The transport can take writes again. */
  void onDrain() {
    updateReading();
  }

  /**
   * The server is stopping: read no more frames, answer those in flight, then close with 1001 so
   * the client knows to reconnect elsewhere.
   */
  void onShutdown() {
    draining = true;
    updateReading();
    closeIfDrained();
  }

  private void closeIfDrained() {
    if (draining && !closed && inFlight == 0) {
      ws.close((short) 1001, "gateway shutting down");
    }
  }

  void onText(String text) {
    if (policyClosed) {
      return;
    }
    Object seq = null;
    List<Event> events;
    try {
      JsonObject json = reader.readObject(text);
      seq = takeSeq(json);
      if (json.containsKey(AUTH)) {
        authenticate(seq, json);
        return;
      }
      if (source == null) {
        send(
            error(
                seq,
                new HttpException(
                    401,
                    "write key required: send {\"auth\": {\"writeKey\": \"...\"}} first, or"
                        + " connect with an Authorization header",
                    "authorization",
                    null)));
        authFailed();
        return;
      }
      access.admitSource(source, clientIp);
      // with write keys, the session's key decides the source, as over HTTP
      EventParser.Arrival arrival =
          access.keyRequired()
              ? EventParser.Arrival.bound(source, clientIp, clock.instant())
              : EventParser.Arrival.open(source, clientIp, clock.instant());
      events = reader.events(json, arrival);
    } catch (IngestRejection rejection) {
      observer.rejected(rejection.reason().tag());
      send(error(seq, rejection));
      return;
    } catch (HttpException refused) {
      // 429: the frame was not taken, the client sends it again later
      CountedAdmission.count(observer, refused);
      send(error(seq, refused));
      return;
    }
    inFlight++;
    updateReading();
    attempt(seq, events);
  }

  /**
   * An auth frame: {@code {"auth": {"writeKey": "..."}}} and an optional {@code seq}. A valid key
   * (re)sets the session's source; a refused one leaves the session as it was and counts a failure.
   */
  private void authenticate(Object seq, JsonObject json) {
    Object value = json.getValue(AUTH);
    Object key = value instanceof JsonObject object ? object.getValue(WRITE_KEY) : null;
    if (json.size() != 1 || !(key instanceof String presented) || presented.isEmpty()) {
      send(
          error(
              seq,
              new HttpException(
                  400,
                  "auth: an auth frame is {\"auth\": {\"writeKey\": \"...\"}} with an optional seq",
                  AUTH + "." + WRITE_KEY,
                  null)));
      authFailed();
      return;
    }
    try {
      source = access.admit(presented, clientIp, EventParser.DEFAULT_SOURCE);
    } catch (RateLimitedException limited) {
      CountedAdmission.count(observer, limited);
      send(error(seq, limited));
      return;
    } catch (HttpException refused) {
      send(
          error(
              seq,
              new HttpException(
                  refused.status(), refused.getMessage(), AUTH + "." + WRITE_KEY, null)));
      authFailed();
      return;
    }
    if (authTimer >= 0) {
      vertx.cancelTimer(authTimer);
      authTimer = -1;
    }
    send(withSeq(new JsonObject().put("type", "authenticated"), seq).put("source", source));
  }

  private void authFailed() {
    observer.rejected(RejectReason.UNAUTHORIZED.tag());
    if (++authFailures >= auth.maxFailures() && !closed) {
      LOG.debug("close stream after failed authentication [client: {}]", clientIp);
      policyClosed = true;
      ws.close(POLICY_VIOLATION, "authentication failed");
    }
  }

  void onBinary() {
    IngestRejection rejection =
        new IngestRejection(
            RejectReason.UNSUPPORTED_MEDIA_TYPE,
            400,
            "binary messages are not supported: send each event or batch as a JSON text message");
    observer.rejected(rejection.reason().tag());
    send(error(null, rejection));
  }

  /** Removes and checks the client's correlation id, so the rest is a plain event or batch. */
  private static Object takeSeq(JsonObject json) {
    Object seq = json.remove(SEQ);
    if (seq == null
        || seq instanceof Number
        || (seq instanceof String s && s.length() <= MAX_SEQ_LENGTH)) {
      return seq;
    }
    throw new IngestRejection(
        RejectReason.INVALID_EVENT,
        400,
        "seq: must be a number or a string of at most "
            + MAX_SEQ_LENGTH
            + " characters, was "
            + EventParser.show(seq),
        SEQ,
        null);
  }

  private void attempt(Object seq, List<Event> events) {
    ingest
        .ingest(events)
        .onComplete(
            done -> {
              if (Vertx.currentContext() == context) {
                settle(seq, events, done);
              } else {
                context.runOnContext(v -> settle(seq, events, done));
              }
            });
  }

  private void settle(Object seq, List<Event> events, AsyncResult<IngestResult> done) {
    if (closed) {
      return;
    }
    // only overload and a store outage keep the frame in flight (the client did nothing wrong and
    // the store takes it later); anything else, above all an event the store refuses, is answered,
    // or one bad frame would be retried forever with reading paused
    if (done.failed() && done.cause() instanceof OverloadedException overloaded) {
      scheduleRetry(seq, events, overloaded.retryAfter());
      return;
    }
    if (done.failed() && done.cause() instanceof StoreUnavailableException unavailable) {
      scheduleRetry(seq, events, unavailable.retryAfter());
      return;
    }
    inFlight--;
    if (done.succeeded()) {
      send(
          withSeq(new JsonObject().put("type", "ack"), seq)
              .put("accepted", done.result().accepted())
              .put("duplicates", done.result().duplicates()));
    } else {
      HttpException failure =
          done.cause() instanceof HttpException http
              ? http
              : new StoreUnavailableException(limits.retryAfter());
      send(error(seq, failure));
    }
    updateReading();
    closeIfDrained();
  }

  /** The message stays in flight and reading stays paused until the store takes it. */
  private void scheduleRetry(Object seq, List<Event> events, Duration retryAfter) {
    Duration delay =
        retryAfter == null || retryAfter.toMillis() < 1 ? limits.retryAfter() : retryAfter;
    long[] id = new long[1];
    id[0] =
        vertx.setTimer(
            delay.toMillis(),
            fired -> {
              retryTimers.remove(id[0]);
              if (closed) {
                return;
              }
              updateReading();
              attempt(seq, events);
            });
    retryTimers.add(id[0]);
    updateReading();
  }

  private void updateReading() {
    if (closed) {
      return;
    }
    boolean shouldPause =
        draining
            || inFlight >= limits.maxFramesInFlight()
            || !retryTimers.isEmpty()
            || ws.writeQueueFull();
    if (shouldPause && !paused) {
      paused = true;
      ws.pause();
    } else if (!shouldPause && paused) {
      paused = false;
      ws.resume();
    }
  }

  private void send(JsonObject message) {
    if (closed) {
      return;
    }
    ws.write(message.encode())
        .onFailure(err -> LOG.debug("failed to answer frame [error: {}]", err.getMessage()));
    if (ws.writeQueueFull()) {
      updateReading();
    }
  }

  void onClose() {
    closed = true;
    if (authTimer >= 0) {
      vertx.cancelTimer(authTimer);
      authTimer = -1;
    }
    retryTimers.forEach(vertx::cancelTimer);
    retryTimers.clear();
  }

  private static JsonObject error(Object seq, HttpException failure) {
    JsonObject message = withSeq(new JsonObject().put("type", "error"), seq);
    message.put("error", failure.getMessage());
    if (failure.field() != null) {
      message.put("field", failure.field());
    }
    if (failure.index() != null) {
      message.put("index", failure.index());
    }
    if (failure instanceof RateLimitedException limited && limited.retryAfter() != null) {
      message.put("retryAfter", ErrorHandler.retryAfterSeconds(limited.retryAfter()));
    }
    return message;
  }

  private static JsonObject withSeq(JsonObject message, Object seq) {
    if (seq != null) {
      message.put("seq", seq);
    }
    return message;
  }
}
