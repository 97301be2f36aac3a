package dev.tripline.gateway;

import static dev.tripline.gateway.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.gateway.GatewayTest.Receiver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Absence and sequence timers end to end: fired by the gateway's tick, persisted in MongoDB,
 * restored after a restart (overdue ones fire once, the others keep their deadlines).
 */
@ExtendWith(VertxExtension.class)
class TimersGatewayTest {

  static final String CART_ABANDON =
      """
      - id: cart-abandon
        detect:
          absence:
            start: {on: [add_to_cart]}
            cancel: {on: [order_completed]}
            correlate_by: [userId]
            after: 1h
        notify: [sink]
      """;

  static final String CHECKOUT_DROPOFF =
      """
      - id: checkout-dropoff
        detect:
          sequence:
            steps:
              - on: [view_product]
              - on: [add_to_cart]
              - on: [begin_checkout]
            correlate_by: [userId]
            within: 1h
            fire_on: timeout_at_step
            at_step: 3
        notify: [sink]
      """;

  @TempDir Path dir;

  Vertx vertx;
  WebClient client;
  Gateway gateway;
  Receiver receiver;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    receiver = new Receiver(vertx, n -> 204);
    await(receiver.listen());
  }

  @AfterEach
  void tearDown() throws Exception {
    stop();
  }

  @Test
  void should_fire_an_absence_timer_from_the_tick_and_deliver_it() throws Exception {
    start(InstantSource.system(), CART_ABANDON);
    Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));

    // u1 added to cart two hours ago and never ordered: due an hour ago, fires at the next tick;
    // u2 ordered within the hour
    await(
        post(
            batchOf(
                event("c1", "add_to_cart", "u1", twoHoursAgo),
                event("c2", "add_to_cart", "u2", twoHoursAgo),
                event("o2", "order_completed", "u2", twoHoursAgo.plusSeconds(600)))));
    GatewayTest.Receiver.Request request = await(receiver.first());

    JsonObject body = new JsonObject(request.body());
    assertThat(body.getJsonObject("rule").getString("id")).isEqualTo("cart-abandon");
    assertThat(body.getJsonObject("key").getString("userId")).isEqualTo("u1");
    assertThat(body.getJsonObject("values").getString("missing")).isEqualTo("order_completed");
    assertThat(body.getJsonObject("events").getJsonArray("ids")).containsExactly("c1");
    MongoClient mongo = TestGateway.mongo(vertx, gateway);
    assertThat(
            await(
                Polling.until(vertx, () -> mongo.count("timers", new JsonObject()), n -> n == 0L)))
        .isZero();
    assertThat(await(mongo.count("detections", new JsonObject()))).isEqualTo(1);
    mongo.close();
  }

  @Test
  void should_restore_timers_after_a_restart_firing_overdue_ones_once() throws Exception {
    start(InstantSource.system(), CART_ABANDON);
    Instant now = Instant.now();
    await(
        post(
            batchOf(
                event("c1", "add_to_cart", "u1", now.minus(Duration.ofMinutes(30)))
                    .put("properties", new JsonObject().put("sku", "A1")),
                event("c2", "add_to_cart", "u2", now.plus(Duration.ofMinutes(5))))));
    MongoClient before = TestGateway.mongo(vertx, gateway);
    await(Polling.until(vertx, () -> before.count("timers", new JsonObject()), n -> n == 2L));
    before.close();
    stop();

    // back 45 minutes later: u1's timer (due in 30m) is overdue, u2's (due in 65m) is not
    InstantSource later = InstantSource.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(45));
    start(later, CART_ABANDON);
    GatewayTest.Receiver.Request request = await(receiver.first());

    JsonObject body = new JsonObject(request.body());
    assertThat(body.getJsonObject("key").getString("userId")).isEqualTo("u1");
    // the latest start's summary survived the restart with the timer
    JsonObject latest = body.getJsonObject("events").getJsonObject("latest");
    assertThat(latest.getString("id")).isEqualTo("c1");
    assertThat(latest.getString("type")).isEqualTo("add_to_cart");
    assertThat(latest.getString("userId")).isEqualTo("u1");
    assertThat(latest.getJsonObject("properties").getString("sku")).isEqualTo("A1");
    MongoClient mongo = TestGateway.mongo(vertx, gateway);
    JsonObject stored = await(mongo.findOne("detections", new JsonObject(), null));
    assertThat(stored.getJsonObject("latestEvent").getString("id")).isEqualTo("c1");
    List<JsonObject> pending =
        await(Polling.until(vertx, () -> timers(mongo), list -> list.size() == 1));
    assertThat(pending.get(0).getJsonArray("key")).isEqualTo(new JsonArray().add("u2"));
    assertThat(pending.get(0).getLong("due"))
        .isEqualTo(now.plus(Duration.ofMinutes(65)).toEpochMilli());
    assertThat(await(mongo.count("detections", new JsonObject()))).isEqualTo(1);
    mongo.close();
    assertThat(receiver.requests).hasSize(1);
  }

  @Test
  void should_keep_a_sequence_in_progress_across_a_restart_and_fire_its_drop_off_once()
      throws Exception {
    start(InstantSource.system(), CHECKOUT_DROPOFF);
    Instant now = Instant.now();
    // u1 viewed 50 minutes ago and added to cart 30 minutes ago: due in 10 minutes, waiting for
    // checkout; u2 went through every step, so its sequence ended without a drop-off
    await(
        post(
            batchOf(
                event("v1", "view_product", "u1", now.minus(Duration.ofMinutes(50))),
                event("c1", "add_to_cart", "u1", now.minus(Duration.ofMinutes(30))),
                event("v2", "view_product", "u2", now.minus(Duration.ofMinutes(50))),
                event("c2", "add_to_cart", "u2", now.minus(Duration.ofMinutes(40))),
                event("b2", "begin_checkout", "u2", now.minus(Duration.ofMinutes(35))))));
    MongoClient before = TestGateway.mongo(vertx, gateway);
    JsonObject saved =
        await(Polling.until(vertx, () -> timers(before), list -> list.size() == 1)).get(0);
    before.close();
    assertThat(saved.getJsonArray("key")).isEqualTo(new JsonArray().add("u1"));
    assertThat(saved.getInteger("count")).isEqualTo(2);
    assertThat(saved.getJsonArray("eventIds")).isEqualTo(new JsonArray().add("v1").add("c1"));
    assertThat(saved.getLong("lastEventAt"))
        .isEqualTo(now.minus(Duration.ofMinutes(30)).toEpochMilli());
    stop();

    // back 15 minutes later: u1's sequence ran out 5 minutes ago
    start(
        InstantSource.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(15)),
        CHECKOUT_DROPOFF);
    GatewayTest.Receiver.Request request = await(receiver.first());

    JsonObject body = new JsonObject(request.body());
    assertThat(body.getJsonObject("rule").getString("id")).isEqualTo("checkout-dropoff");
    assertThat(body.getJsonObject("key").getString("userId")).isEqualTo("u1");
    assertThat(body.getJsonObject("values").getInteger("missingStep")).isEqualTo(3);
    assertThat(body.getJsonObject("values").getString("missingTypes")).isEqualTo("begin_checkout");
    assertThat(body.getJsonObject("values").getInteger("stepsDone")).isEqualTo(2);
    assertThat(body.getJsonObject("events").getJsonArray("ids")).containsExactly("v1", "c1");
    assertThat(body.getJsonObject("events").getJsonObject("latest").getString("id"))
        .as("the latest step done, restored with the timer")
        .isEqualTo("c1");
    assertThat(Instant.parse(body.getJsonObject("window").getString("end")).toEpochMilli())
        .as("the deadline: first step + within")
        .isEqualTo(now.minus(Duration.ofMinutes(50)).plus(Duration.ofHours(1)).toEpochMilli());
    MongoClient mongo = TestGateway.mongo(vertx, gateway);
    assertThat(
            await(
                Polling.until(vertx, () -> mongo.count("timers", new JsonObject()), n -> n == 0L)))
        .isZero();
    assertThat(await(mongo.count("detections", new JsonObject()))).isEqualTo(1);
    mongo.close();
    assertThat(receiver.requests).hasSize(1);
  }

  @Test
  void should_count_new_keys_refused_past_the_rate_while_a_held_key_still_fires() throws Exception {
    AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);
    start(
        () -> Instant.now().plus(ahead.get()),
        CART_ABANDON + "  new_keys: {rate: 1, per: 1h, burst: 2}\n");
    Instant now = Instant.now();
    await(post(batchOf(event("c1", "add_to_cart", "u1", now))));
    JsonObject[] flood = new JsonObject[100];
    for (int i = 0; i < flood.length; i++) {
      flood[i] = event("f" + i, "add_to_cart", "forged-" + i, now);
    }
    await(post(batchOf(flood)));

    // the burst of 2 took u1 and forged-0; the other 99 new keys are refused and counted
    String refused =
        "tripline_detector_keys_refused_total{reason=\"new_key_rate\",rule=\"cart-abandon\"}";
    await(Polling.until(vertx, this::metrics, text -> text.contains(refused + " 99.0")));
    // u1 is held: its repeated start needs no token, and it moves its timer
    await(post(batchOf(event("c2", "add_to_cart", "u1", now.plusSeconds(1)))));
    MongoClient mongo = TestGateway.mongo(vertx, gateway);
    await(
        Polling.until(
            vertx,
            () -> timers(mongo),
            list ->
                list.stream()
                    .anyMatch(
                        t ->
                            t.getJsonArray("key").equals(new JsonArray().add("u1"))
                                && t.getInteger("count") == 2)));
    mongo.close();
    assertThat(await(metrics())).contains(refused + " 99.0");

    // two hours on, u1's timer (and forged-0's) fire and are delivered
    ahead.set(Duration.ofHours(2));
    await(receiver.nth(2));
    assertThat(receiver.requests)
        .extracting(r -> new JsonObject(r.body()).getJsonObject("key").getString("userId"))
        .containsExactlyInAnyOrder("u1", "forged-0");
  }

  // --- helpers ---------------------------------------------------------------------------

  private Future<String> metrics() {
    return client
        .get(gateway.httpPort(), "127.0.0.1", "/metrics")
        .send()
        .map(HttpResponse::bodyAsString);
  }

  private void start(InstantSource clock, String rules) throws Exception {
    gateway =
        await(
            new TestGateway(dir)
                .rules(rules)
                .destinations(GatewayTest.sink(receiver.port()))
                .config("detectors:\n  timer-tick: 20ms\n")
                .start(vertx, clock));
  }

  private void stop() throws Exception {
    if (gateway != null) {
      await(gateway.stop());
      gateway = null;
    }
  }

  private Future<HttpResponse<Buffer>> post(String body) {
    return client
        .post(gateway.httpPort(), "127.0.0.1", "/v1/events")
        .putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body))
        .map(
            response -> {
              assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
              return response;
            });
  }

  private static Future<List<JsonObject>> timers(MongoClient mongo) {
    return mongo.find("timers", new JsonObject());
  }

  static JsonObject event(String id, String type, String userId, Instant timestamp) {
    return new JsonObject()
        .put("id", id)
        .put("type", type)
        .put("userId", userId)
        .put("timestamp", timestamp.toString());
  }

  static String batchOf(JsonObject... events) {
    return new JsonObject().put("batch", new JsonArray(List.of((Object[]) events))).encode();
  }
}
