package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.gateway.delivery.WebhookSigner;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole gateway over real HTTP and WebSocket, against its embedded MongoDB-compatible server
 * over TCP: events in, stored, detected, delivered as signed webhooks to an in-test receiver.
 */
@ExtendWith(VertxExtension.class)
class GatewayTest {

  static final String SECRET = "whsec_dGVzdC1zZWNyZXQtdGhhdC1pcy1sb25nLWVub3VnaA==";

  static final String BURST_RULE =
      """
      - id: burst
        detect:
          threshold: {group_by: [ip], count: 3, within: 60s}
        notify: [sink]
      """;

  @TempDir Path dir;

  Vertx vertx;
  WebClient client;
  // held in a field: Vert.x closes a client that is no longer referenced, handshakes included
  WebSocketClient wsClient;
  Gateway gateway;
  Receiver receiver;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    this.wsClient = vertx.createWebSocketClient();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void should_store_detect_and_deliver_a_signed_webhook(VertxTestContext ctx) throws Exception {
    startReceiver(n -> 204);
    start(new TestGateway(dir).rules(BURST_RULE).destinations(sink()));

    post(batchOf(event("e1"), event("e2"), event("e3")))
        .compose(
            response -> {
              ctx.verify(
                  () -> {
                    assertThat(response.statusCode()).isEqualTo(202);
                    assertThat(response.bodyAsJsonObject())
                        .isEqualTo(new JsonObject().put("accepted", 3).put("duplicates", 0));
                  });
              return receiver.first();
            })
        .compose(
            request -> {
              ctx.verify(
                  () -> {
                    assertThat(
                            new WebhookSigner(SECRET)
                                .verify(
                                    request.headers().get("webhook-id"),
                                    request.headers().get("webhook-timestamp"),
                                    request.body(),
                                    request.headers().get("webhook-signature"),
                                    Instant.now()))
                        .as("signature verifies")
                        .isTrue();
                    JsonObject body = new JsonObject(request.body());
                    assertThat(body.getJsonObject("rule").getString("id")).isEqualTo("burst");
                    assertThat(body.getJsonObject("key").getString("ip")).isEqualTo("127.0.0.1");
                    assertThat(body.getInteger("count")).isEqualTo(3);
                    assertThat(body.getJsonObject("events").getJsonArray("ids"))
                        .containsExactly("e1", "e2", "e3");
                  });
              MongoClient mongo = TestGateway.mongo(vertx, gateway);
              return Future.all(
                      mongo.count("events", new JsonObject()),
                      mongo.find("detections", new JsonObject()),
                      eventually(() -> deliveryStatus(mongo), "succeeded"))
                  .onComplete(ar -> mongo.close());
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertThat((Long) all.resultAt(0)).isEqualTo(3);
                          List<JsonObject> detections = all.resultAt(1);
                          assertThat(detections).hasSize(1);
                          JsonObject detection = detections.get(0);
                          assertThat(detection.getString("ruleId")).isEqualTo("burst");
                          assertThat(detection.getString("ruleVersion")).isNotBlank();
                          assertThat(detection.getInteger("count")).isEqualTo(3);
                          assertThat(detection.getString("firstEventId")).isEqualTo("e1");
                          assertThat(detection.getString("lastEventId")).isEqualTo("e3");
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_detect_impossible_travel_and_deliver_what_made_it_fire(VertxTestContext ctx)
      throws Exception {
    startReceiver(n -> 204);
    start(
        new TestGateway(dir)
            .rules(
                """
                - id: travel
                  on: [login]
                  detect:
                    velocity: {group_by: [userId], max_speed_kmh: 150}
                  severity: high
                  labels: {team: security}
                  notify: [sink]
                """)
            .destinations(sink()));
    JsonObject paris =
        login(
            "p1", "2026-11-21T08:00:00Z", new JsonObject().put("lat", 48.8566).put("lon", 2.3522));
    JsonObject london =
        login(
            "l1", "2026-11-21T09:00:00Z", new JsonObject().put("lat", 51.5074).put("lon", -0.1278));

    post(batchOf(paris, london))
        .compose(
            response -> {
              ctx.verify(() -> assertThat(response.statusCode()).isEqualTo(202));
              return receiver.first();
            })
        .compose(
            request -> {
              ctx.verify(
                  () -> {
                    JsonObject body = new JsonObject(request.body());
                    assertThat(body.getJsonObject("rule").getString("id")).isEqualTo("travel");
                    assertThat(body.getString("severity")).isEqualTo("high");
                    assertThat(body.getJsonObject("labels"))
                        .isEqualTo(new JsonObject().put("team", "security"));
                    assertThat(body.getJsonObject("key").getString("userId")).isEqualTo("u1");
                    assertThat(body.getJsonObject("values").getDouble("speedKmh"))
                        .isBetween(343.0, 344.0);
                    assertThat(body.getJsonObject("values").getDouble("seconds")).isEqualTo(3600.0);
                    assertThat(body.getJsonObject("events").getJsonArray("ids"))
                        .containsExactly("p1", "l1");
                    assertThat(body.getJsonObject("window").getString("end"))
                        .isEqualTo("2026-11-21T09:00:00Z");
                  });
              MongoClient mongo = TestGateway.mongo(vertx, gateway);
              return mongo
                  .find("detections", new JsonObject().put("ruleId", "travel"))
                  .onComplete(ar -> mongo.close());
            })
        .onComplete(
            ctx.succeeding(
                detections ->
                    ctx.verify(
                        () -> {
                          assertThat(detections).hasSize(1);
                          assertThat(detections.get(0).getString("severity")).isEqualTo("high");
                          JsonObject values = detections.get(0).getJsonObject("values");
                          assertThat(values.getDouble("distanceM")).isBetween(343_000.0, 344_000.0);
                          assertThat(values.getDouble("toLat")).isEqualTo(51.5074);
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_detect_a_completed_funnel_and_deliver_its_steps(VertxTestContext ctx)
      throws Exception {
    startReceiver(n -> 204);
    start(
        new TestGateway(dir)
            .rules(
                """
                - id: funnel
                  detect:
                    sequence:
                      steps:
                        - on: [view_product]
                        - on: [add_to_cart]
                        - on: [order_completed]
                          where: "event.properties.total > 0"
                      correlate_by: [userId]
                      within: 1h
                  notify: [sink]
                """)
            .destinations(sink()));
    JsonObject paid = new JsonObject().put("total", 42.5);
    String batch =
        batchOf(
            funnelStep("v1", "view_product", "u1", "2026-11-21T08:00:00Z", null),
            funnelStep("v2", "view_product", "u2", "2026-11-21T08:01:00Z", null),
            funnelStep("c1", "add_to_cart", "u1", "2026-11-21T08:10:00Z", null),
            funnelStep(
                "free",
                "order_completed",
                "u1",
                "2026-11-21T08:15:00Z",
                paid.copy().put("total", 0)),
            funnelStep("o2", "order_completed", "u2", "2026-11-21T08:16:00Z", paid),
            funnelStep("o1", "order_completed", "u1", "2026-11-21T08:20:00Z", paid));

    post(batch)
        .compose(
            response -> {
              ctx.verify(() -> assertThat(response.statusCode()).isEqualTo(202));
              return receiver.first();
            })
        .compose(
            request -> {
              ctx.verify(
                  () -> {
                    assertThat(
                            new WebhookSigner(SECRET)
                                .verify(
                                    request.headers().get("webhook-id"),
                                    request.headers().get("webhook-timestamp"),
                                    request.body(),
                                    request.headers().get("webhook-signature"),
                                    Instant.now()))
                        .as("signature verifies")
                        .isTrue();
                    JsonObject body = new JsonObject(request.body());
                    assertThat(body.getJsonObject("rule").getString("id")).isEqualTo("funnel");
                    assertThat(body.getJsonObject("key"))
                        .isEqualTo(new JsonObject().put("userId", "u1"));
                    assertThat(body.getInteger("count")).isEqualTo(3);
                    assertThat(body.getJsonObject("values").getInteger("steps")).isEqualTo(3);
                    assertThat(body.getJsonObject("values").getDouble("seconds")).isEqualTo(1200.0);
                    assertThat(body.getJsonObject("events").getJsonArray("ids"))
                        .as("the order without a total is no step")
                        .containsExactly("v1", "c1", "o1");
                    assertThat(body.getJsonObject("window"))
                        .isEqualTo(
                            new JsonObject()
                                .put("start", "2026-11-21T08:00:00Z")
                                .put("end", "2026-11-21T08:20:00Z"));
                  });
              MongoClient mongo = TestGateway.mongo(vertx, gateway);
              return mongo.find("detections", new JsonObject()).onComplete(ar -> mongo.close());
            })
        .onComplete(
            ctx.succeeding(
                detections ->
                    ctx.verify(
                        () -> {
                          assertThat(detections)
                              .as("u2 skipped the cart: no detection")
                              .singleElement()
                              .satisfies(
                                  d -> {
                                    assertThat(d.getString("ruleId")).isEqualTo("funnel");
                                    assertThat(d.getString("firstEventId")).isEqualTo("v1");
                                    assertThat(d.getString("lastEventId")).isEqualTo("o1");
                                  });
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_retry_a_failing_destination_with_the_same_webhook_id(VertxTestContext ctx)
      throws Exception {
    startReceiver(n -> n <= 2 ? 500 : 204);
    start(
        new TestGateway(dir)
            .rules(BURST_RULE)
            .destinations(sink())
            .config(
                """
                delivery:
                  retry-schedule: [10ms, 20ms, 50ms]
                  poll-interval: 20ms
                """));

    post(batchOf(event("a1"), event("a2"), event("a3")))
        .compose(response -> receiver.nth(3))
        .compose(
            third -> {
              MongoClient mongo = TestGateway.mongo(vertx, gateway);
              return eventually(() -> deliveryStatus(mongo), "succeeded")
                  .compose(status -> delivery(mongo))
                  .onComplete(ar -> mongo.close());
            })
        .onComplete(
            ctx.succeeding(
                delivery ->
                    ctx.verify(
                        () -> {
                          List<String> ids =
                              receiver.requests.stream()
                                  .map(r -> r.headers().get("webhook-id"))
                                  .toList();
                          assertThat(ids).hasSize(3);
                          assertThat(ids).allMatch(id -> id.equals(ids.get(0)));
                          assertThat(delivery.getString("_id")).isEqualTo(ids.get(0));
                          assertThat(delivery.getString("status")).isEqualTo("succeeded");
                          assertThat(delivery.getInteger("attempts")).isEqualTo(3);
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_count_a_resent_event_as_duplicate_and_not_detect_it_twice(VertxTestContext ctx)
      throws Exception {
    startReceiver(n -> 204);
    start(
        new TestGateway(dir)
            .rules(BURST_RULE.replace("count: 3", "count: 2"))
            .destinations(sink()));

    post(event("d1").encode())
        .compose(r -> post(event("d1").encode()))
        .compose(
            second -> {
              ctx.verify(
                  () ->
                      assertThat(second.bodyAsJsonObject())
                          .isEqualTo(new JsonObject().put("accepted", 0).put("duplicates", 1)));
              return post(event("d2").encode());
            })
        .compose(third -> receiver.first())
        .onComplete(
            ctx.succeeding(
                request ->
                    ctx.verify(
                        () -> {
                          JsonArray ids =
                              new JsonObject(request.body())
                                  .getJsonObject("events")
                                  .getJsonArray("ids");
                          assertThat(ids).containsExactly("d1", "d2");
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_ack_websocket_frames_once_stored(VertxTestContext ctx) throws Exception {
    start(new TestGateway(dir));

    wsClient
        .connect(gateway.httpPort(), "127.0.0.1", "/v1/stream")
        .compose(
            socket -> {
              Promise<JsonObject> ack = Promise.promise();
              socket.textMessageHandler(text -> ack.tryComplete(new JsonObject(text)));
              socket.writeTextMessage(
                  new JsonObject()
                      .put("seq", 7)
                      .put("batch", new JsonArray().add(event("w1")).add(event("w2")))
                      .encode());
              return ack.future();
            })
        .compose(
            ack -> {
              ctx.verify(
                  () ->
                      assertThat(ack)
                          .isEqualTo(
                              new JsonObject()
                                  .put("type", "ack")
                                  .put("seq", 7)
                                  .put("accepted", 2)
                                  .put("duplicates", 0)));
              MongoClient mongo = TestGateway.mongo(vertx, gateway);
              return mongo
                  .count(
                      "events",
                      new JsonObject()
                          .put(
                              "id",
                              new JsonObject().put("$in", new JsonArray().add("w1").add("w2"))))
                  .onComplete(ar -> mongo.close());
            })
        .onComplete(
            ctx.succeeding(
                count ->
                    ctx.verify(
                        () -> {
                          assertThat(count).isEqualTo(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_reject_an_invalid_batch_and_store_none_of_it(VertxTestContext ctx) throws Exception {
    start(new TestGateway(dir));

    post(batchOf(event("ok1"), new JsonObject().put("type", 42)))
        .compose(
            response -> {
              ctx.verify(
                  () -> {
                    assertThat(response.statusCode()).isEqualTo(400);
                    assertThat(response.bodyAsJsonObject().getString("field")).isEqualTo("type");
                    assertThat(response.bodyAsJsonObject().getInteger("index")).isEqualTo(1);
                  });
              return post("{\"type\": \"x\"");
            })
        .compose(
            malformed -> {
              ctx.verify(() -> assertThat(malformed.statusCode()).isEqualTo(400));
              MongoClient mongo = TestGateway.mongo(vertx, gateway);
              return mongo.count("events", new JsonObject()).onComplete(ar -> mongo.close());
            })
        .onComplete(
            ctx.succeeding(
                count ->
                    ctx.verify(
                        () -> {
                          assertThat(count).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_report_ready_health_and_metrics(VertxTestContext ctx) throws Exception {
    startReceiver(n -> 204);
    start(new TestGateway(dir).destinations(sink()));

    post(event("m1").encode())
        .compose(r -> client.get(gateway.httpPort(), "127.0.0.1", "/ready").send())
        .compose(
            ready -> {
              ctx.verify(() -> assertThat(ready.statusCode()).isEqualTo(200));
              return client.get(gateway.httpPort(), "127.0.0.1", "/health").send();
            })
        .compose(
            health -> {
              ctx.verify(() -> assertThat(health.statusCode()).isEqualTo(200));
              return client.get(gateway.httpPort(), "127.0.0.1", "/metrics").send();
            })
        .onComplete(
            ctx.succeeding(
                metrics ->
                    ctx.verify(
                        () -> {
                          assertThat(metrics.statusCode()).isEqualTo(200);
                          assertThat(metrics.bodyAsString())
                              .contains("tripline_events_accepted_total 1.0")
                              .contains("tripline_write_queue_depth")
                              .contains("tripline_ingest_latency_seconds")
                              // each destination's lane
                              .contains("tripline_delivery_queue_depth{destination=\"sink\"} 0.0")
                              .contains("tripline_delivery_in_flight{destination=\"sink\"} 0.0")
                              .contains(
                                  "tripline_delivery_breaker_state{destination=\"sink\","
                                      + "state=\"closed\"} 1.0")
                              .contains(
                                  "tripline_delivery_breaker_state{destination=\"sink\","
                                      + "state=\"open\"} 0.0")
                              .contains(
                                  "tripline_delivery_retries_pending{destination=\"sink\"} 0.0");
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_answer_in_flight_requests_and_keep_their_events_when_stopped(VertxTestContext ctx)
      throws Exception {
    start(new TestGateway(dir));
    TestGateway restart = new TestGateway(dir);
    List<Future<HttpResponse<Buffer>>> posts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      posts.add(post(batchOf(event("s" + i + "a"), event("s" + i + "b"))));
    }
    Gateway stopping = gateway;
    gateway = null;

    // stop as soon as the first answer is in: the other requests are in flight or queued
    posts
        .get(0)
        .compose(first -> stopping.stop())
        .compose(stopped -> Future.join(new ArrayList<Future<?>>(posts)).otherwiseEmpty())
        .compose(answered -> restart.start(vertx))
        .compose(
            restarted -> {
              gateway = restarted;
              MongoClient mongo = TestGateway.mongo(vertx, restarted);
              return mongo.count("events", new JsonObject()).onComplete(ar -> mongo.close());
            })
        .onComplete(
            ctx.succeeding(
                stored ->
                    ctx.verify(
                        () -> {
                          List<HttpResponse<Buffer>> answered =
                              posts.stream().filter(Future::succeeded).map(Future::result).toList();
                          assertThat(answered).isNotEmpty();
                          assertThat(answered)
                              .as("an answered request was acknowledged, not cut off")
                              .allMatch(r -> r.statusCode() == 202);
                          assertThat(stored)
                              .as("every acknowledged event survives the stop")
                              .isGreaterThanOrEqualTo(2L * answered.size());
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_refuse_to_start_with_an_invalid_rule(VertxTestContext ctx) throws Exception {
    new TestGateway(dir)
        .rules(
            """
            - id: broken
              detect:
                threshold: {group_by: [ip], count: 3, within: 0s}
              notify: [nowhere]
            """)
        .start(vertx)
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure.getMessage())
                              .contains("rules.yaml:3:")
                              .contains("rule broken: detect.threshold.within")
                              .contains("nowhere");
                          ctx.completeNow();
                        })));
  }

  // --- helpers ---------------------------------------------------------------------------

  private void start(TestGateway testGateway) throws Exception {
    gateway =
        testGateway
            .start(vertx)
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
  }

  private String sink() {
    return sink(receiver.port());
  }

  /** The destinations file of a single destination {@code sink} at an in-test receiver. */
  static String sink(int port) {
    return """
        - id: sink
          url: http://127.0.0.1:%d/hook
          secret: %s
          timeout: 2s
          allow_private: true
        """
        .formatted(port, SECRET);
  }

  private Future<HttpResponse<Buffer>> post(String body) {
    return client
        .post(gateway.httpPort(), "127.0.0.1", "/v1/events")
        .putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body));
  }

  private static JsonObject event(String id) {
    return new JsonObject()
        .put("id", id)
        .put("type", "signup")
        .put("userId", "user-" + id)
        .put("properties", new JsonObject().put("plan", "free"));
  }

  private static JsonObject login(String id, String timestamp, JsonObject geo) {
    return new JsonObject()
        .put("id", id)
        .put("type", "login")
        .put("userId", "u1")
        .put("timestamp", timestamp)
        .put("geo", geo);
  }

  private static JsonObject funnelStep(
      String id, String type, String userId, String timestamp, JsonObject properties) {
    JsonObject event =
        new JsonObject()
            .put("id", id)
            .put("type", type)
            .put("userId", userId)
            .put("timestamp", timestamp);
    return properties == null ? event : event.put("properties", properties);
  }

  private static String batchOf(JsonObject... events) {
    return new JsonObject().put("batch", new JsonArray(List.of((Object[]) events))).encode();
  }

  private static Future<String> deliveryStatus(MongoClient mongo) {
    return delivery(mongo).map(d -> d == null ? null : d.getString("status"));
  }

  private static Future<JsonObject> delivery(MongoClient mongo) {
    return mongo.findOne("deliveries", new JsonObject(), null);
  }

  /** Polls until the supplier yields the expected value, for state written after a response. */
  private <T> Future<T> eventually(Supplier<Future<T>> probe, T expected) {
    return Polling.until(vertx, probe, expected::equals);
  }

  private void startReceiver(java.util.function.IntUnaryOperator statusForAttempt)
      throws Exception {
    receiver = new Receiver(vertx, statusForAttempt);
    receiver.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * An in-test webhook receiver that answers per attempt number and records what it got; a 4xx or
   * 5xx answer carries {@link #REFUSAL} as its body.
   */
  static final class Receiver {
    static final String REFUSAL = "{\"error\":\"refused by the test receiver\"}";

    record Request(MultiMap headers, String body) {}

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Vertx vertx;
    private final java.util.function.IntUnaryOperator statusForAttempt;
    private final List<Promise<Request>> waiting = new CopyOnWriteArrayList<>();
    private HttpServer server;

    Receiver(Vertx vertx, java.util.function.IntUnaryOperator statusForAttempt) {
      this.vertx = vertx;
      this.statusForAttempt = statusForAttempt;
    }

    Future<HttpServer> listen() {
      return vertx
          .createHttpServer()
          .requestHandler(
              request ->
                  request
                      .body()
                      .onSuccess(
                          body -> {
                            Request received = new Request(request.headers(), body.toString());
                            requests.add(received);
                            int n = requests.size();
                            int status = statusForAttempt.applyAsInt(n);
                            // a refusal says why, as real receivers do: the history keeps it
                            request
                                .response()
                                .setStatusCode(status)
                                .end(status >= 400 ? REFUSAL : "");
                            if (n <= waiting.size()) {
                              waiting.get(n - 1).tryComplete(received);
                            }
                          }))
          .listen(0, "127.0.0.1")
          .onSuccess(s -> server = s);
    }

    int port() {
      return server.actualPort();
    }

    Future<Request> first() {
      return nth(1);
    }

    /** Completes when the n-th request (1-based) has arrived. */
    synchronized Future<Request> nth(int n) {
      while (waiting.size() < n) {
        waiting.add(Promise.promise());
      }
      if (requests.size() >= n) {
        waiting.get(n - 1).tryComplete(requests.get(n - 1));
      }
      return waiting.get(n - 1).future();
    }
  }
}
