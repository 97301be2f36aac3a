package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client's unstorable event never fails another client's write: the whole gateway, its real
 * group-commit writer and embedded store, over HTTP and WebSocket.
 */
@ExtendWith(VertxExtension.class)
class PoisonEventGatewayTest {

  static final String POISON = "{\"type\":\"x\",\"timestamp\":\"-999999999-01-01T00:00:00Z\"}";
  static final int VALID_CLIENTS = 4;
  static final int REQUESTS_PER_CLIENT = 50;

  @TempDir Path dir;

  Vertx vertx;
  WebClient client;
  // held in a field: Vert.x closes a client that is no longer referenced, handshakes included
  WebSocketClient wsClient;
  Gateway gateway;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    this.wsClient = vertx.createWebSocketClient();
    gateway = await(new TestGateway(dir).start(vertx));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      await(gateway.stop());
    }
  }

  @Test
  void should_answer_every_valid_request_202_while_another_client_loops_a_poison_event()
      throws Exception {
    AtomicBoolean validDone = new AtomicBoolean();
    Map<Integer, Integer> poisonStatuses = new ConcurrentHashMap<>();
    List<Future<Void>> poisoners = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      poisoners.add(loopPoison(validDone, poisonStatuses, 0));
    }
    List<Integer> validStatuses = new CopyOnWriteArrayList<>();
    List<Future<Void>> valid = new ArrayList<>();
    for (int c = 0; c < VALID_CLIENTS; c++) {
      valid.add(postValid("c" + c + "-", 0, validStatuses));
    }

    await(Future.all(valid).onComplete(done -> validDone.set(true)));
    await(Future.all(poisoners));

    assertThat(validStatuses).hasSize(VALID_CLIENTS * REQUESTS_PER_CLIENT).containsOnly(202);
    assertThat(poisonStatuses).containsOnlyKeys(400);
    assertThat(poisonStatuses.get(400)).isPositive();
  }

  @Test
  void should_answer_a_poison_frame_with_an_error_and_ack_the_next_frame() throws Exception {
    List<JsonObject> answers = new CopyOnWriteArrayList<>();
    Promise<Void> two = Promise.promise();

    await(
        wsClient
            .connect(gateway.httpPort(), "127.0.0.1", "/v1/stream")
            .map(
                socket -> {
                  socket.textMessageHandler(
                      text -> {
                        answers.add(new JsonObject(text));
                        if (answers.size() == 2) {
                          two.tryComplete();
                        }
                      });
                  socket.writeTextMessage(new JsonObject(POISON).put("seq", 1).encode());
                  socket.writeTextMessage("{\"seq\":2,\"type\":\"x\",\"id\":\"after-poison\"}");
                  return socket;
                }));
    await(two.future());

    assertThat(answers.get(0))
        .isEqualTo(
            new JsonObject()
                .put("type", "error")
                .put("seq", 1)
                .put(
                    "error",
                    "timestamp: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z,"
                        + " was \"-999999999-01-01T00:00:00Z\"")
                .put("field", "timestamp"));
    assertThat(answers.get(1))
        .isEqualTo(
            new JsonObject()
                .put("type", "ack")
                .put("seq", 2)
                .put("accepted", 1)
                .put("duplicates", 0));
  }

  /** Posts {@link #REQUESTS_PER_CLIENT} valid events one after another, recording each status. */
  private Future<Void> postValid(String prefix, int n, List<Integer> statuses) {
    if (n == REQUESTS_PER_CLIENT) {
      return Future.succeededFuture();
    }
    return post("{\"type\":\"signup\",\"id\":\"" + prefix + n + "\"}")
        .compose(
            response -> {
              statuses.add(response.statusCode());
              return postValid(prefix, n + 1, statuses);
            });
  }

  /** Posts the poison event until the valid clients are done (and at least once). */
  private Future<Void> loopPoison(AtomicBoolean stop, Map<Integer, Integer> statuses, int sent) {
    if (stop.get() && sent > 0) {
      return Future.succeededFuture();
    }
    return post(POISON)
        .compose(
            response -> {
              statuses.merge(response.statusCode(), 1, Integer::sum);
              return loopPoison(stop, statuses, sent + 1);
            });
  }

  private Future<HttpResponse<Buffer>> post(String body) {
    return client
        .post(gateway.httpPort(), "127.0.0.1", "/v1/events")
        .putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
