package dev.tripline.gateway.delivery;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/** A webhook receiver on a free port that answers from a script and records what it got. */
final class Receiver {

  /** Script entry: never answer (the sender must time out). */
  static final int HANG = -1;

  /** Script entry: answer when the test calls {@link #releaseHeld}. */
  static final int HOLD = -2;

  record Request(MultiMap headers, String body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  private final ConcurrentLinkedDeque<Integer> script = new ConcurrentLinkedDeque<>();
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private HttpServer server;

  private record Waiter(int count, Promise<Void> promise) {}

  /** Starts a receiver answering with the given statuses in turn, then 200. */
  static Future<Receiver> start(Vertx vertx, int... statuses) {
    Receiver receiver = new Receiver();
    for (int status : statuses) {
      receiver.script.add(status);
    }
    return vertx
        .createHttpServer()
        .requestHandler(receiver::handle)
        .listen(0, "127.0.0.1")
        .map(
            server -> {
              receiver.server = server;
              return receiver;
            });
  }

  String url() {
    return "http://127.0.0.1:" + port() + "/hook";
  }

  int port() {
    return server.actualPort();
  }

  List<Request> received() {
    return List.copyOf(received);
  }

  /** Completes once {@code count} requests have arrived in all. */
  synchronized Future<Void> awaitRequests(int count) {
    if (received.size() >= count) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    waiters.add(new Waiter(count, promise));
    return promise.future();
  }

  void releaseHeld(int status) {
    held.forEach(request -> request.response().setStatusCode(status).end());
    held.clear();
  }

  void answerNext(int... statuses) {
    for (int status : statuses) {
      script.add(status);
    }
  }

  Future<Void> close() {
    return server.close();
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              Integer next = script.poll();
              int status = next == null ? 200 : next;
              if (status == HOLD) {
                held.add(request);
              } else if (status != HANG) {
                request.response().setStatusCode(status).end();
              }
              arrived(
                  new Request(
                      MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                      body.toString()));
            });
  }

  private synchronized void arrived(Request request) {
    received.add(request);
    waiters.removeIf(
        waiter -> {
          if (received.size() >= waiter.count()) {
            waiter.promise().complete();
            return true;
          }
          return false;
        });
  }
}
