package dev.tripline.gateway.fuzz;

import dev.tripline.gateway.fuzz.FuzzFailures.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Well-behaved clients that keep sending valid events while the fuzz sends poison: single events
 * and batches on {@code /v1/events}, Segment {@code track} calls, and frames on one WebSocket. Each
 * request waits for a share of the fuzz to be done ({@code gate}), so that they are spread over the
 * whole run, and every one must be acknowledged.
 *
 * <p>The clients are the caller's, who must keep them referenced until the run is over: Vert.x
 * shuts a client down once it is garbage collected, sockets and handshakes in process included.
 */
final class ValidClients {

  private final Vertx vertx;
  private final HttpClient client;
  private final WebSocketClient webSockets;
  private final int port;
  private final FuzzFailures failures;
  private final IntFunction<Future<Void>> gate;
  private final int gateTotal;

  /** Every id sent, and whether its request was acknowledged. */
  final Map<String, Boolean> ids = new LinkedHashMap<>();

  ValidClients(
      Vertx vertx,
      HttpClient client,
      WebSocketClient webSockets,
      int port,
      FuzzFailures failures,
      IntFunction<Future<Void>> gate,
      int gateTotal) {
    this.vertx = vertx;
    this.client = client;
    this.webSockets = webSockets;
    this.port = port;
    this.failures = failures;
    this.gate = gate;
    this.gateTotal = gateTotal;
  }

  Future<Void> run(int requests, int frames) {
    return Future.all(
            List.of(
                http("events", requests, 1, "/v1/events", this::event),
                http("batch", requests / 2, 3, "/v1/events", this::batch),
                http("track", requests / 2, 1, "/v1/track", this::track),
                stream(frames)))
        .mapEmpty();
  }

  private interface Body {
    JsonObject make(String client, int j, int size);
  }

  private Future<Void> http(String name, int count, int size, String path, Body body) {
    Future<Void> chain = Future.succeededFuture();
    for (int j = 0; j < count; j++) {
      int n = j;
      chain =
          chain
              .compose(v -> gate.apply(share(n, count)))
              .compose(
                  v -> {
                    JsonObject json = body.make(name, n, size);
                    List<String> sent = new ArrayList<>();
                    for (int k = 0; k < size; k++) {
                      sent.add(id(name, n, k));
                    }
                    String describe =
                        "valid client "
                            + name
                            + " request "
                            + n
                            + " POST "
                            + path
                            + " "
                            + json.encode();
                    return HttpFuzzRun.send(
                            client,
                            port,
                            path,
                            List.of(
                                Map.entry("Content-Type", "application/json"),
                                Map.entry("Authorization", "Bearer " + FuzzTemplate.KEY)),
                            json.toBuffer().getBytes(),
                            false)
                        .transform(
                            done -> {
                              boolean ok =
                                  done.succeeded() && acknowledged(done.result(), path, size);
                              sent.forEach(id -> ids.put(id, ok));
                              if (!ok) {
                                failures.add(
                                    Kind.VALID_CLIENT_FAILED,
                                    "valid client " + name + " " + path,
                                    describe
                                        + " -> "
                                        + (done.failed()
                                            ? done.cause().toString()
                                            : HttpFuzzRun.show(done.result())));
                              }
                              return Future.succeededFuture();
                            });
                  });
    }
    return chain;
  }

  private static boolean acknowledged(HttpFuzzRun.Reply reply, String path, int size) {
    JsonObject body = HttpFuzzRun.json(reply.body());
    if (path.equals("/v1/track")) {
      return reply.status() == 200 && body != null && Boolean.TRUE.equals(body.getValue("success"));
    }
    return reply.status() == 202
        && body != null
        && body.equals(new JsonObject().put("accepted", size).put("duplicates", 0));
  }

  private int share(int j, int count) {
    return (int) ((long) j * gateTotal * 9 / 10 / count);
  }

  static String id(String client, int j, int k) {
    return "fz-ok-" + client + "-" + j + "-" + k;
  }

  private JsonObject event(String client, int j, int size) {
    return new JsonObject()
        .put("type", "fz.ok")
        .put("id", id(client, j, 0))
        .put("properties", new JsonObject().put("j", j));
  }

  private JsonObject batch(String client, int j, int size) {
    JsonArray batch = new JsonArray();
    for (int k = 0; k < size; k++) {
      batch.add(
          new JsonObject()
              .put("type", "fz.ok")
              .put("id", id(client, j, k))
              .put("userId", "ok-" + j));
    }
    return new JsonObject().put("batch", batch);
  }

  private JsonObject track(String client, int j, int size) {
    return new JsonObject()
        .put("userId", "ok-" + j)
        .put("event", "Fz Ok")
        .put("messageId", id(client, j, 0));
  }

  private WebSocket socket;
  private Promise<String> answer;

  private Future<Void> stream(int frames) {
    Future<Void> chain = Future.succeededFuture();
    for (int j = 0; j < frames; j++) {
      int n = j;
      chain = chain.compose(v -> gate.apply(share(n, frames))).compose(v -> frame(n));
    }
    return chain.compose(v -> socket == null ? Future.succeededFuture() : socket.close());
  }

  private Future<Void> frame(int j) {
    String id = id("ws", j, 0);
    String frame = new JsonObject().put("seq", j).put("type", "fz.ok").put("id", id).encode();
    String describe = "valid client ws frame " + j + " " + frame;
    return connected()
        .compose(
            ws -> {
              Promise<String> p = Promise.promise();
              answer = p;
              long timer =
                  vertx.setTimer(
                      StreamFuzzRun.ANSWER_TIMEOUT_MS,
                      t -> p.tryFail("no ack within " + StreamFuzzRun.ANSWER_TIMEOUT_MS + " ms"));
              ws.writeTextMessage(frame);
              return p.future().onComplete(done -> vertx.cancelTimer(timer));
            })
        .transform(
            done -> {
              JsonObject expected =
                  new JsonObject()
                      .put("type", "ack")
                      .put("seq", j)
                      .put("accepted", 1)
                      .put("duplicates", 0);
              boolean ok =
                  done.succeeded()
                      && expected.equals(HttpFuzzRun.json(FuzzDraft.utf8(done.result())));
              ids.put(id, ok);
              if (!ok) {
                failures.add(
                    Kind.VALID_CLIENT_FAILED,
                    "valid client ws /v1/stream",
                    describe
                        + " -> "
                        + (done.failed() ? done.cause().getMessage() : done.result()));
                if (socket != null) {
                  socket.close();
                  socket = null;
                }
              }
              return Future.succeededFuture();
            });
  }

  private Future<WebSocket> connected() {
    if (socket != null && !socket.isClosed()) {
      return Future.succeededFuture(socket);
    }
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/v1/stream")
            .addHeader("Authorization", "Bearer " + FuzzTemplate.KEY);
    return webSockets
        .connect(options)
        .map(
            ws -> {
              socket = ws;
              ws.textMessageHandler(
                  text -> {
                    if (answer != null) {
                      answer.tryComplete(text);
                    }
                  });
              return ws;
            });
  }
}
