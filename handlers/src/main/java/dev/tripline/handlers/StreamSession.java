package dev.tripline.handlers;

import dev.tripline.handlers.IngestService.IngestResult;
import dev.tripline.rules.Event;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one {@link StreamHandler} socket. Every field is touched only on the socket's
 * context, so no locking: completions from the store are hopped back onto it first.
 */
final class StreamSession {

  private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);
  private static final String SEQ = "seq";
  private static final int MAX_SEQ_LENGTH = 128;

  private final ServerWebSocket ws;
  private final Vertx vertx;
  private final Context context;
  private final EventBatchReader reader;
  private final GuardedIngest ingest;
  private final IngestObserver observer;
  private final InstantSource clock;
  private final IngestLimits limits;
  private final String clientIp;
  private final Set<Long> retryTimers = new HashSet<>();

  private int inFlight;
  private boolean paused;
  private boolean closed;
  private boolean draining;

  StreamSession(
      ServerWebSocket ws,
      Vertx vertx,
      EventBatchReader reader,
      GuardedIngest ingest,
      IngestObserver observer,
      InstantSource clock,
      IngestLimits limits,
      String clientIp) {
    this.ws = ws;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.reader = reader;
    this.ingest = ingest;
    this.observer = observer;
    this.clock = clock;
    this.limits = limits;
    this.clientIp = clientIp;
  }

  void start() {
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(this::onBinary);
    ws.drainHandler(v -> updateReading());
    ws.exceptionHandler(
        err -> LOG.debug("websocket error [client: {}, error: {}]", clientIp, err.getMessage()));
    ws.closeHandler(v -> onClose());
    ws.shutdownHandler(v -> onShutdown());
  }

  /**
   * The server is stopping: read no more frames, answer those in flight, then close with 1001 so
   * the client knows to reconnect elsewhere.
   */
  private void onShutdown() {
    draining = true;
    updateReading();
    closeIfDrained();
  }

  private void closeIfDrained() {
    if (draining && !closed && inFlight == 0) {
      ws.close((short) 1001, "gateway shutting down");
    }
  }

  private void onText(String text) {
    Object seq = null;
    List<Event> events;
    try {
      JsonObject json = reader.readObject(text);
      seq = takeSeq(json);
      EventParser.Arrival arrival =
          new EventParser.Arrival(EventParser.DEFAULT_SOURCE, clientIp, clock.instant());
      events = reader.events(json, arrival);
    } catch (IngestRejection rejection) {
      observer.rejected(rejection.reason().tag());
      send(error(seq, rejection));
      return;
    }
    inFlight++;
    updateReading();
    attempt(seq, events);
  }

  private void onBinary(Buffer ignored) {
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
    if (done.failed() && done.cause() instanceof OverloadedException overloaded) {
      scheduleRetry(seq, events, overloaded.retryAfter());
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
    ws.writeTextMessage(message.encode())
        .onFailure(err -> LOG.debug("failed to answer frame [error: {}]", err.getMessage()));
    if (ws.writeQueueFull()) {
      updateReading();
    }
  }

  private void onClose() {
    closed = true;
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
    return message;
  }

  private static JsonObject withSeq(JsonObject message, Object seq) {
    if (seq != null) {
      message.put("seq", seq);
    }
    return message;
  }
}
