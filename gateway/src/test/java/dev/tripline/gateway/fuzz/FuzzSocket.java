package dev.tripline.gateway.fuzz;

import dev.tripline.gateway.fuzz.StreamFuzzCase.Message;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * A {@link RawWebSocket} as the stream fuzz uses it: sends a message's frames, and waits for what
 * comes next (an answer, the close, or nothing in time), keeping answers that arrive while nobody
 * waits so that extra answers can be told apart.
 */
final class FuzzSocket {

  /** What waiting gave: a text message, a close code, or (both null) nothing in time. */
  record Heard(String text, Integer closed) {
    boolean timedOut() {
      return text == null && closed == null;
    }
  }

  final RawWebSocket ws;

  /** Answers received while nobody waited. */
  final ArrayDeque<String> received = new ArrayDeque<>();

  private final Vertx vertx;
  private Promise<Heard> waiting;

  FuzzSocket(Vertx vertx, RawWebSocket ws) {
    this.vertx = vertx;
    this.ws = ws;
    ws.messageHandler(
        text -> {
          Promise<Heard> p = waiting;
          waiting = null;
          if (p == null || !p.tryComplete(new Heard(text, null))) {
            received.add(text);
          }
        });
    ws.closed()
        .onSuccess(
            code -> {
              Promise<Heard> p = waiting;
              waiting = null;
              if (p != null) {
                p.tryComplete(new Heard(null, code));
              }
            });
  }

  Future<Heard> next(long timeoutMs) {
    if (!received.isEmpty()) {
      return Future.succeededFuture(new Heard(received.poll(), null));
    }
    if (ws.isClosed()) {
      return Future.succeededFuture(new Heard(null, ws.closed().result()));
    }
    Promise<Heard> p = Promise.promise();
    waiting = p;
    long timer =
        vertx.setTimer(
            timeoutMs,
            id -> {
              if (waiting == p) {
                waiting = null;
              }
              p.tryComplete(new Heard(null, null));
            });
    return p.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  Future<Void> send(Message m) {
    Future<Void> sent = Future.succeededFuture();
    for (RawWebSocket.Frame frame : m.frames()) {
      sent = sent.compose(v -> ws.send(frame));
    }
    return sent;
  }
}
