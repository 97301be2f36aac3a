package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class StreamHandlerTest {

  private FakeIngestService store;
  private RecordingObserver observer;
  private int port;
  private HttpServer server;
  // held in a field: Vert.x closes a client that is no longer referenced
  private WebSocketClient wsClient;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext tc) {
    wsClient = vertx.createWebSocketClient();
    store = new FakeIngestService();
    observer = new RecordingObserver();
    TestServers.listen(vertx, store, TestServers.LIMITS, ClientIpResolver.direct(), observer)
        .onComplete(
            tc.succeeding(
                s -> {
                  server = s;
                  port = s.actualPort();
                  tc.completeNow();
                }));
  }

  /** The messages a client socket received, awaitable by count. */
  private static final class Inbox {
    private final List<JsonObject> messages = new ArrayList<>();
    private int awaited;
    private Promise<List<JsonObject>> waiter;

    synchronized void add(JsonObject message) {
      messages.add(message);
      if (waiter != null && messages.size() >= awaited) {
        Promise<List<JsonObject>> done = waiter;
        waiter = null;
        done.complete(List.copyOf(messages));
      }
    }

    /** Completes once {@code count} messages in total have arrived. */
    synchronized Future<List<JsonObject>> await(int count) {
      if (messages.size() >= count) {
        return Future.succeededFuture(List.copyOf(messages));
      }
      awaited = count;
      waiter = Promise.promise();
      return waiter.future();
    }
  }

  private record Client(WebSocket ws, Inbox inbox) {
    Client send(String text) {
      ws.writeTextMessage(text);
      return this;
    }
  }

  private Future<Client> connect(Vertx vertx) {
    return wsClient
        .connect(port, "127.0.0.1", IngestRoutes.STREAM_PATH)
        .map(
            ws -> {
              Inbox inbox = new Inbox();
              ws.textMessageHandler(text -> inbox.add(new JsonObject(text)));
              return new Client(ws, inbox);
            });
  }

  private static JsonObject bySeq(List<JsonObject> messages, Object seq) {
    return messages.stream()
        .filter(m -> Objects.equals(m.getValue("seq"), seq))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no answer with seq " + seq + " in " + messages));
  }

  @Test
  void should_ack_an_event_with_its_seq_once_stored(Vertx vertx, VertxTestContext tc) {
    connect(vertx)
        .compose(
            client ->
                client.send("{\"seq\":1,\"type\":\"page_view\",\"id\":\"e1\"}").inbox().await(1))
        .onComplete(
            tc.succeeding(
                messages ->
                    tc.verify(
                        () -> {
                          assertThat(messages.get(0))
                              .isEqualTo(
                                  new JsonObject(
                                      "{\"type\":\"ack\",\"seq\":1,\"accepted\":1,\"duplicates\":0}"));
                          assertThat(store.stored.get("api\u0000e1").ip()).isEqualTo("127.0.0.1");
                          assertThat(store.stored.get("api\u0000e1").receivedAt())
                              .isEqualTo(TestServers.NOW);
                          tc.completeNow();
                        })));
  }

  @Test
  void should_ack_a_batch_frame_counting_duplicates(Vertx vertx, VertxTestContext tc) {
    connect(vertx)
        .compose(
            client ->
                client
                    .send(
                        "{\"seq\":\"b-1\",\"batch\":[{\"type\":\"a\",\"id\":\"1\"},"
                            + "{\"type\":\"a\",\"id\":\"1\"},{\"type\":\"b\"}]}")
                    .inbox()
                    .await(1))
        .onComplete(
            tc.succeeding(
                messages ->
                    tc.verify(
                        () -> {
                          assertThat(messages.get(0))
                              .isEqualTo(
                                  new JsonObject(
                                      "{\"type\":\"ack\",\"seq\":\"b-1\",\"accepted\":2,"
                                          + "\"duplicates\":1}"));
                          assertThat(store.calls).hasSize(1);
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_bad_frames_with_errors_and_keep_the_socket_open(
      Vertx vertx, VertxTestContext tc) {
    String deep =
        "{\"seq\":5,\"type\":\"t\",\"properties\":" + "[".repeat(70) + "]".repeat(70) + "}";
    connect(vertx)
        .compose(
            client -> {
              client
                  .send("{\"seq\":2,")
                  .send("{\"seq\":3,\"batch\":[{\"type\":\"t\"},{\"type\":5}]}")
                  .send("{\"seq\":4,\"batch\":[{},{},{},{}]}")
                  .send(deep)
                  .send("{\"seq\":{},\"type\":\"t\"}");
              client.ws().writeBinaryMessage(Buffer.buffer("{\"type\":\"t\"}"));
              client.send("{\"seq\":6,\"type\":\"t\",\"id\":\"ok\"}");
              return client.inbox().await(7);
            })
        .onComplete(
            tc.succeeding(
                messages ->
                    tc.verify(
                        () -> {
                          List<JsonObject> unnumbered =
                              messages.stream().filter(m -> !m.containsKey("seq")).toList();
                          assertThat(unnumbered)
                              .extracting(m -> m.getString("error"))
                              .anySatisfy(e -> assertThat(e).startsWith("malformed JSON: "))
                              .anySatisfy(e -> assertThat(e).startsWith("seq: must be a number"))
                              .anySatisfy(e -> assertThat(e).startsWith("binary messages are not"));
                          assertThat(bySeq(messages, 3))
                              .isEqualTo(
                                  new JsonObject()
                                      .put("type", "error")
                                      .put("seq", 3)
                                      .put("error", "type: must be a non-empty string, was 5")
                                      .put("field", "type")
                                      .put("index", 1));
                          assertThat(bySeq(messages, 4).getString("error"))
                              .isEqualTo("batch: must hold at most maxBatchEvents 3 events, was 4");
                          // too deep is found before parsing, so its seq is unknown
                          assertThat(messages)
                              .extracting(m -> m.getString("error"))
                              .contains("JSON too deep: nesting exceeds maxJsonDepth 64 levels");
                          assertThat(bySeq(messages, 6).getString("type")).isEqualTo("ack");
                          assertThat(store.calls).hasSize(1);
                          assertThat(observer.rejected)
                              .containsExactlyInAnyOrder(
                                  "malformed_json",
                                  "invalid_event",
                                  "too_many_events",
                                  "too_deep",
                                  "invalid_event",
                                  "unsupported_media_type");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_retry_an_overloaded_frame_until_the_store_takes_it(Vertx vertx, VertxTestContext tc) {
    store.overloadedCalls.set(2);
    store.retryAfter = Duration.ofMillis(5);
    connect(vertx)
        .compose(client -> client.send("{\"seq\":9,\"type\":\"t\",\"id\":\"e9\"}").inbox().await(1))
        .onComplete(
            tc.succeeding(
                messages ->
                    tc.verify(
                        () -> {
                          assertThat(messages.get(0).getString("type")).isEqualTo("ack");
                          assertThat(messages.get(0).getInteger("seq")).isEqualTo(9);
                          assertThat(messages.get(0).getInteger("accepted")).isEqualTo(1);
                          assertThat(store.calls).hasSize(3);
                          assertThat(store.stored).containsOnlyKeys("api\u0000e9");
                          assertThat(observer.rejected).containsExactly("overloaded", "overloaded");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_retry_a_frame_while_the_store_is_unavailable_until_it_takes_it(
      Vertx vertx, VertxTestContext tc) {
    store.unavailableCalls.set(2);
    store.retryAfter = Duration.ofMillis(5);
    connect(vertx)
        .compose(client -> client.send("{\"seq\":7,\"type\":\"t\",\"id\":\"e7\"}").inbox().await(1))
        .onComplete(
            tc.succeeding(
                messages ->
                    tc.verify(
                        () -> {
                          assertThat(messages.get(0).getString("type")).isEqualTo("ack");
                          assertThat(messages.get(0).getInteger("seq")).isEqualTo(7);
                          assertThat(store.calls).hasSize(3);
                          assertThat(store.stored).containsOnlyKeys("api\u0000e7");
                          assertThat(observer.rejected)
                              .containsExactly("store_unavailable", "store_unavailable");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_a_poison_event_frame_with_an_error_and_ack_the_next_frame(
      Vertx vertx, VertxTestContext tc) {
    store.unstorableIds.add("refused");
    connect(vertx)
        .compose(
            client ->
                client
                    // refused at the edge: outside the representable range
                    .send("{\"seq\":1,\"type\":\"x\",\"timestamp\":\"-999999999-01-01T00:00:00Z\"}")
                    // refused by the store: never retried
                    .send(
                        "{\"seq\":2,\"batch\":[{\"type\":\"x\"},{\"type\":\"x\",\"id\":\"refused\"}]}")
                    .send("{\"seq\":3,\"type\":\"x\",\"id\":\"ok\"}")
                    .inbox()
                    .await(3))
        .onComplete(
            tc.succeeding(
                messages ->
                    tc.verify(
                        () -> {
                          assertThat(bySeq(messages, 1))
                              .isEqualTo(
                                  new JsonObject()
                                      .put("type", "error")
                                      .put("seq", 1)
                                      .put(
                                          "error",
                                          "timestamp: must be between 1970-01-01T00:00:00Z and"
                                              + " 9999-12-31T23:59:59.999Z, was"
                                              + " \"-999999999-01-01T00:00:00Z\"")
                                      .put("field", "timestamp"));
                          assertThat(bySeq(messages, 2))
                              .isEqualTo(
                                  new JsonObject()
                                      .put("type", "error")
                                      .put("seq", 2)
                                      .put("error", "timestamp: cannot be stored")
                                      .put("field", "timestamp")
                                      .put("index", 1));
                          assertThat(bySeq(messages, 3).getString("type")).isEqualTo("ack");
                          assertThat(store.calls).as("no retry of the refused frame").hasSize(2);
                          assertThat(store.stored).containsOnlyKeys("api\u0000ok");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_stop_reading_while_the_in_flight_cap_is_reached(Vertx vertx, VertxTestContext tc) {
    int cap = TestServers.LIMITS.maxFramesInFlight();
    int frames = 6;
    store.mode = FakeIngestService.Mode.HOLD;
    // Complete held calls only on a later event-loop turn: had reading not paused, the frames
    // already buffered would reach the store before that turn and exceed the cap.
    store.onCall =
        events ->
            vertx.runOnContext(
                v -> {
                  while (!store.held.isEmpty()
                      && (store.held.size() >= cap || store.calls.size() == frames)) {
                    store.release();
                  }
                });
    connect(vertx)
        .compose(
            client -> {
              for (int i = 0; i < frames; i++) {
                client.send("{\"seq\":" + i + ",\"type\":\"t\",\"id\":\"e" + i + "\"}");
              }
              return client.inbox().await(frames);
            })
        .onComplete(
            tc.succeeding(
                messages ->
                    tc.verify(
                        () -> {
                          assertThat(messages)
                              .extracting(m -> m.getString("type"))
                              .containsOnly("ack");
                          assertThat(store.stored).hasSize(frames);
                          assertThat(store.maxHeld.get()).isEqualTo(cap);
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_frames_in_flight_then_close_going_away_when_the_server_shuts_down(
      Vertx vertx, VertxTestContext tc) {
    store.mode = FakeIngestService.Mode.HOLD;
    Promise<Short> closed = Promise.promise();
    connect(vertx)
        .compose(
            client -> {
              client.ws().closeHandler(v -> closed.tryComplete(client.ws().closeStatusCode()));
              store.onCall =
                  events ->
                      vertx.runOnContext(
                          v -> {
                            // the frame is in flight when the server starts to stop
                            Future<Void> shutdown = server.shutdown(20, TimeUnit.SECONDS);
                            store.release();
                            shutdown.onFailure(tc::failNow);
                          });
              client.send("{\"seq\":7,\"type\":\"t\",\"id\":\"e7\"}");
              return client.inbox().await(1).compose(messages -> closed.future().map(messages));
            })
        .onComplete(
            tc.succeeding(
                messages ->
                    tc.verify(
                        () -> {
                          assertThat(bySeq(messages, 7).getString("type")).isEqualTo("ack");
                          assertThat(store.stored).containsKey("api\u0000e7");
                          assertThat(closed.future().result()).isEqualTo((short) 1001);
                          tc.completeNow();
                        })));
  }
}
