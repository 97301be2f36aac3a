package dev.tripline.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A closed loop of WebSocket frames on one event loop: each connection keeps {@code inFlight}
 * frames unacknowledged and sends the next one when an ack comes back. A frame is one event with a
 * top-level {@code seq}, or {@code {"seq":n,"batch":[...]}} for more than one. Latency is from a
 * frame's first send to its ack.
 *
 * <p>An answer with the frame's {@code seq} that is not an ack counts as a failure, or, when it
 * says the server is overloaded ({@code status} 503 or a type naming overload), as a refusal whose
 * frame is re-sent after the backoff. Frames unanswered after the timeout count as failures.
 */
final class WebSocketLoadWorker extends VerticleBase {

  private final LoadOptions options;
  private final EventBodies bodies;
  private final Window window;
  private final int connections;
  private final Stats stats = new Stats();
  private final Promise<Stats> done = Promise.promise();
  private WebSocketClient client;
  private long nextEvent;
  private long nextSeq;
  private int running;

  WebSocketLoadWorker(
      LoadOptions options, EventBodies bodies, Window window, int connections, long firstEvent) {
    this.options = options;
    this.bodies = bodies;
    this.window = window;
    this.connections = connections;
    this.nextEvent = firstEvent;
  }

  Future<Stats> done() {
    return done.future();
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setDefaultHost(options.host())
                .setDefaultPort(options.port())
                .setMaxConnections(connections)
                .setMaxFrameSize(1 << 20)
                .setMaxMessageSize(1 << 24));
    running = connections;
    for (int i = 0; i < connections; i++) {
      new Connection().open();
    }
    return Future.succeededFuture();
  }

  private void connectionStopped() {
    if (--running == 0) {
      client.close().onComplete(ignored -> done.complete(stats));
    }
  }

  private record Pending(String frame, int events, long firstSent, long lastSent) {}

  /** One WebSocket and its frames in flight. */
  private final class Connection {
    private final Map<Long, Pending> pending = new HashMap<>();
    private WebSocket socket;
    private long sweeper = -1;

    void open() {
      client
          .connect("/v1/stream")
          .onSuccess(
              ws -> {
                socket = ws;
                ws.textMessageHandler(this::answer);
                ws.exceptionHandler(e -> {});
                ws.closeHandler(v -> closed());
                sweeper = vertx.setPeriodic(200, t -> sweep());
                for (int i = 0; i < options.inFlight(); i++) {
                  sendNext();
                }
              })
          .onFailure(
              e -> {
                if (window.counts(System.nanoTime())) {
                  stats.failure("connect:" + HttpLoadWorker.kind(e));
                }
                if (window.over(System.nanoTime())) {
                  connectionStopped();
                } else {
                  vertx.setTimer(Math.max(100, options.backoff().toMillis()), t -> open());
                }
              });
    }

    private void sendNext() {
      if (socket == null) {
        return;
      }
      if (window.over(System.nanoTime())) {
        stopIfIdle();
        return;
      }
      long seq = nextSeq++;
      // one event: the event itself with a top-level seq; more: {"seq":n,"batch":[...]}
      String frame =
          options.batchSize() == 1
              ? "{\"seq\":" + seq + "," + bodies.event(nextEvent).substring(1)
              : "{\"seq\":"
                  + seq
                  + ",\"batch\":"
                  + bodies.array(nextEvent, options.batchSize())
                  + "}";
      nextEvent += options.batchSize();
      long now = System.nanoTime();
      send(seq, new Pending(frame, options.batchSize(), now, now));
    }

    private void send(long seq, Pending frame) {
      if (socket == null) {
        return; // the connection closed while the frame waited for its backoff
      }
      pending.put(seq, frame);
      socket.writeTextMessage(frame.frame());
    }

    private void answer(String text) {
      long now = System.nanoTime();
      JsonObject json;
      try {
        json = new JsonObject(text);
      } catch (RuntimeException e) {
        if (window.counts(now)) {
          stats.failure("unparsable-answer");
        }
        return;
      }
      Long seq = json.getLong("seq");
      Pending frame = seq == null ? null : pending.remove(seq);
      if (frame == null) {
        if (window.counts(now)) {
          stats.failure("unmatched-" + json.getString("type", "answer"));
        }
        return;
      }
      String type = json.getString("type", "");
      if (type.equals("ack")) {
        if (window.counts(now)) {
          stats.success(
              frame.events(),
              json.getInteger("accepted", 0),
              json.getInteger("duplicates", 0),
              now - frame.firstSent());
        }
        sendNext();
      } else if (json.getInteger("status", 0) == 503 || type.contains("overload")) {
        if (window.counts(now)) {
          stats.overloaded();
        }
        if (window.over(now)) {
          stopIfIdle();
        } else {
          vertx.setTimer(
              options.backoff().toMillis(),
              t -> send(seq, new Pending(frame.frame(), frame.events(), frame.firstSent(), now)));
        }
      } else {
        if (window.counts(now)) {
          stats.failure(type.isEmpty() ? "answer" : type);
        }
        sendNext();
      }
    }

    private void sweep() {
      long now = System.nanoTime();
      long limit = options.timeout().toNanos();
      int expired = 0;
      for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
        if (now - it.next().lastSent() > limit) {
          it.remove();
          expired++;
        }
      }
      for (int i = 0; i < expired; i++) {
        if (window.counts(now)) {
          stats.failure("timeout");
        }
        sendNext();
      }
      stopIfIdle();
    }

    private void stopIfIdle() {
      if (window.over(System.nanoTime()) && pending.isEmpty() && socket != null) {
        WebSocket ws = socket;
        socket = null;
        vertx.cancelTimer(sweeper);
        ws.closeHandler(null);
        ws.close().onComplete(ignored -> connectionStopped());
      }
    }

    private void closed() {
      vertx.cancelTimer(sweeper);
      socket = null;
      long now = System.nanoTime();
      if (window.counts(now)) {
        stats.failure("closed");
        pending.values().forEach(p -> stats.failure("lost-on-close"));
      }
      pending.clear();
      if (window.over(now)) {
        connectionStopped();
      } else {
        vertx.setTimer(Math.max(100, options.backoff().toMillis()), t -> open());
      }
    }
  }
}
