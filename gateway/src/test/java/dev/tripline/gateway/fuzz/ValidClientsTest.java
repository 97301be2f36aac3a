package dev.tripline.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The valid stream client must survive a garbage collection during its handshake. Vert.x 5 wraps
 * every {@link WebSocketClient} it creates in a {@code CleanableWebSocketClient}: once that object
 * is no longer referenced, a {@link java.lang.ref.Cleaner} shuts the client down, and with it every
 * connection it opened, so a collection that lands mid-handshake fails the connect with "Connection
 * closed while handshake in process" (one after the handshake closes the socket). Here the server
 * holds each upgrade until the test has collected the heap, so the collection always lands
 * mid-handshake.
 */
@ExtendWith(VertxExtension.class)
class ValidClientsTest {

  /**
   * Handshakes collected in the valid client's test: the Cleaner races the held upgrade's release,
   * so one round could miss a client that is not held.
   */
  private static final int ROUNDS = 5;

  private record Held(HttpServerRequest request, Context context) {
    void release() {
      context.runOnContext(v -> request.toWebSocket().onSuccess(ValidClientsTest::ackEachFrame));
    }
  }

  private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    server = await(vertx.createHttpServer().requestHandler(this::hold).listen(0, "127.0.0.1"));
  }

  @Test
  void should_fail_a_handshake_in_process_when_its_websocket_client_is_collected()
      throws Exception {
    WeakReference<WebSocketClient> client = new WeakReference<>(vertx.createWebSocketClient());
    Future<WebSocket> connecting = connectThenDrop(client, server.actualPort());
    assertThat(held.poll(10, TimeUnit.SECONDS)).as("the upgrade request").isNotNull();

    for (int i = 0; i < 20 && client.get() != null; i++) {
      System.gc();
    }

    assertThat(client.get()).as("the client was collected").isNull();
    // the upgrade is never released: only the client's own close can end the handshake
    assertThatThrownBy(() -> await(connecting))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("Connection closed while handshake in process");
  }

  @Test
  void should_keep_its_stream_socket_when_the_heap_is_collected_during_the_handshake()
      throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      FuzzFailures failures = new FuzzFailures(round);
      ValidClients valid =
          new ValidClients(
              vertx,
              vertx.createHttpClient(),
              vertx.createWebSocketClient(),
              server.actualPort(),
              failures,
              n -> Future.succeededFuture(),
              1);
      Promise<Void> done = Promise.promise();
      vertx.getOrCreateContext().runOnContext(v -> valid.run(0, 1).onComplete(done));
      Held upgrade = held.poll(10, TimeUnit.SECONDS);
      assertThat(upgrade).as("the upgrade request of round " + round).isNotNull();

      collectGarbage();
      upgrade.release();
      await(done.future());

      assertThat(failures.isEmpty()).as(failures.report("round " + round, 1)).isTrue();
      assertThat(valid.ids).containsExactly(Map.entry(ValidClients.id("ws", 0, 0), true));
    }
  }

  /** Connects with a client that nothing but {@code client}, a weak reference, points to. */
  private static Future<WebSocket> connectThenDrop(
      WeakReference<WebSocketClient> client, int port) {
    return client
        .get()
        .connect(
            new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/v1/stream"));
  }

  private void hold(HttpServerRequest request) {
    // a request read to its end can no longer be upgraded
    request.pause();
    held.add(new Held(request, Vertx.currentContext()));
  }

  /** Acks every frame as the gateway does. */
  private static void ackEachFrame(ServerWebSocket ws) {
    ws.textMessageHandler(
        text -> {
          JsonObject ack =
              new JsonObject()
                  .put("type", "ack")
                  .put("seq", new JsonObject(text).getValue("seq"))
                  .put("accepted", 1)
                  .put("duplicates", 0);
          ws.writeTextMessage(ack.encode());
        });
  }

  /** Runs full collections until an object dropped here is collected. */
  private static void collectGarbage() {
    WeakReference<Object> dropped = new WeakReference<>(new Object());
    for (int i = 0; i < 20 && dropped.get() != null; i++) {
      System.gc();
    }
    assertThat(dropped.get()).as("a full collection ran").isNull();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
