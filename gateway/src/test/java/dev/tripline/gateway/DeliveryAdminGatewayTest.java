package dev.tripline.gateway;

import static dev.tripline.gateway.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.gateway.GatewayTest.Receiver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Dead letters, replay and destination state through the admin API of a real gateway. */
@ExtendWith(VertxExtension.class)
class DeliveryAdminGatewayTest {

  static final String RULE =
      """
      - id: burst
        detect:
          threshold: {group_by: [ip], count: 1, within: 1h}
        notify: [sink, gone]
      """;

  @TempDir Path dir;

  Vertx vertx;
  WebClient client;
  Gateway gateway;
  Receiver sink;
  Receiver gone;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    client = WebClient.create(vertx);
    // the sink refuses the first delivery, then accepts; gone answers 410 Gone
    sink = new Receiver(vertx, n -> n == 1 ? 400 : 204);
    gone = new Receiver(vertx, n -> n == 1 ? 410 : 204);
    await(sink.listen());
    await(gone.listen());
    gateway =
        await(
            new TestGateway(dir)
                .rules(RULE)
                .destinations(
                    GatewayTest.sink(sink.port())
                        + GatewayTest.sink(gone.port()).replace("id: sink", "id: gone"))
                .config(AdminGatewayTest.ADMIN + "delivery:\n  poll-interval: 20ms\n")
                .watchInterval("0s")
                .start(vertx));
  }

  @AfterEach
  void tearDown() throws Exception {
    await(gateway.stop());
  }

  @Test
  void should_list_show_and_replay_a_dead_letter_with_its_webhook_id() throws Exception {
    await(post(TimersGatewayTest.event("e1", "page", "u1", Instant.now())));
    await(sink.first());

    JsonObject dead =
        await(
            Polling.until(
                vertx,
                () ->
                    jsonFuture("GET", "/admin/deliveries?status=dead&destination=sink&rule=burst"),
                d -> d.getInteger("count") == 1));
    JsonObject listed = dead.getJsonArray("deliveries").getJsonObject(0);
    String id = listed.getString("id");
    assertThat(listed.getString("status")).isEqualTo("dead");
    assertThat(listed.containsKey("body")).isFalse();
    assertThat(json("GET", "/admin/deliveries?status=dead&destination=gone").getInteger("count"))
        .isZero();
    assertThat(
            json(
                    "GET",
                    "/admin/deliveries?status=dead&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z")
                .getInteger("count"))
        .isZero();

    JsonObject shown = json("GET", "/admin/deliveries/" + id);
    assertThat(shown.getString("body")).isEqualTo(sink.requests.get(0).body());
    JsonObject attempt = shown.getJsonArray("history").getJsonObject(0);
    assertThat(attempt.getInteger("status")).isEqualTo(400);
    assertThat(attempt.getString("outcome")).isEqualTo("rejected");
    assertThat(attempt.getString("error")).isEqualTo("HTTP 400");
    assertThat(attempt.getLong("latencyMs")).isNotNull();
    assertThat(attempt.getString("response")).isEqualTo(Receiver.REFUSAL);

    HttpResponse<Buffer> replayed = await(admin("POST", "/admin/deliveries/" + id + "/replay"));
    assertThat(replayed.statusCode()).isEqualTo(202);
    Receiver.Request again = await(sink.nth(2));
    assertThat(again.headers().get("webhook-id")).isEqualTo(id);
    assertThat(again.body()).isEqualTo(sink.requests.get(0).body());
    await(
        Polling.until(
            vertx,
            () -> jsonFuture("GET", "/admin/deliveries/" + id),
            d -> "succeeded".equals(d.getString("status"))));
    // already delivered: nothing dead is left to replay in bulk
    JsonObject bulk =
        await(admin("POST", "/admin/deliveries/replay?destination=sink")).bodyAsJsonObject();
    assertThat(bulk.getInteger("replayed")).isZero();
    // attempts by outcome, latency and dead letters, per destination
    assertThat(metrics())
        .contains("tripline_deliveries_total{destination=\"sink\",outcome=\"rejected\"} 1.0")
        .contains("tripline_deliveries_total{destination=\"sink\",outcome=\"succeeded\"} 1.0")
        .contains("tripline_delivery_latency_seconds_count{destination=\"sink\"} 2")
        .contains("tripline_deliveries_dead_total{destination=\"sink\"} 1.0");
  }

  @Test
  void should_replay_the_dead_letters_of_a_time_range_keeping_their_webhook_ids() throws Exception {
    Instant before = Instant.now();
    await(post(TimersGatewayTest.event("e1", "page", "u1", Instant.now())));
    await(sink.first());
    JsonObject dead =
        await(
            Polling.until(
                vertx,
                () -> jsonFuture("GET", "/admin/deliveries?status=dead&destination=sink"),
                d -> d.getInteger("count") == 1));
    String id = dead.getJsonArray("deliveries").getJsonObject(0).getString("id");

    JsonObject earlier =
        await(
                admin(
                    "POST",
                    "/admin/deliveries/replay?from="
                        + before.minusSeconds(7200)
                        + "&to="
                        + before.minusSeconds(3600)))
            .bodyAsJsonObject();
    assertThat(earlier.getInteger("replayed")).as("a range before it").isZero();

    HttpResponse<Buffer> inRange =
        await(
            admin(
                "POST",
                "/admin/deliveries/replay?from="
                    + before.minusSeconds(60)
                    + "&to="
                    + Instant.now().plusSeconds(60)));
    assertThat(inRange.statusCode()).isEqualTo(202);
    assertThat(inRange.bodyAsJsonObject().getJsonArray("ids")).containsExactly(id);
    Receiver.Request again = await(sink.nth(2));
    assertThat(again.headers().get("webhook-id")).isEqualTo(id);
    assertThat(again.body()).isEqualTo(sink.requests.get(0).body());
  }

  @Test
  void should_disable_a_gone_destination_and_enable_it_again() throws Exception {
    await(post(TimersGatewayTest.event("e1", "page", "u1", Instant.now())));
    await(gone.first());

    JsonObject states =
        await(
            Polling.until(
                vertx,
                () -> jsonFuture("GET", "/admin/destinations"),
                d -> "disabled".equals(state(d, "gone").getString("state"))));
    assertThat(state(states, "gone").getString("reason")).isEqualTo("HTTP 410 Gone");
    assertThat(state(states, "sink").getString("state")).isEqualTo("enabled");
    // the state changes before the disabling attempt is written
    await(
        Polling.until(
            vertx,
            () -> jsonFuture("GET", "/admin/deliveries?status=held"),
            d -> d.getInteger("count") == 1));
    assertThat(metrics()).contains("tripline_destination_disabled{destination=\"gone\"} 1.0");

    HttpResponse<Buffer> enabled = await(admin("POST", "/admin/destinations/gone/enable"));
    assertThat(enabled.statusCode()).isEqualTo(200);
    assertThat(enabled.bodyAsJsonObject().getLong("released")).isOne();
    Receiver.Request again = await(gone.nth(2));
    assertThat(again.headers().get("webhook-id"))
        .isEqualTo(gone.requests.get(0).headers().get("webhook-id"));
    assertThat(state(json("GET", "/admin/destinations"), "gone").getString("state"))
        .isEqualTo("enabled");
    assertThat(metrics()).contains("tripline_destination_disabled{destination=\"gone\"} 0.0");
  }

  @Test
  void should_refuse_bad_input_naming_the_field_and_require_the_token() throws Exception {
    assertThat(
            await(client.get(gateway.httpPort(), "127.0.0.1", "/admin/deliveries").send())
                .statusCode())
        .isEqualTo(401);
    assertThat(
            await(
                    client
                        .post(gateway.httpPort(), "127.0.0.1", "/admin/destinations/gone/enable")
                        .send())
                .statusCode())
        .isEqualTo(401);

    assertError("GET", "/admin/deliveries?status=lost", 400, "status");
    assertError("GET", "/admin/deliveries?limit=0", 400, "limit");
    assertError("GET", "/admin/deliveries?from=yesterday", 400, "from");
    // bounds that no BSON date holds: a 400, not a 500 from the query's encoding
    assertError("GET", "/admin/deliveries?from=-999999999-01-01T00:00:00Z", 400, "from");
    assertError("GET", "/admin/deliveries?to=%2B999999999-12-31T23:59:59Z", 400, "to");
    assertError("POST", "/admin/deliveries/replay?from=-999999999-01-01T00:00:00Z", 400, "from");
    assertError(
        "GET", "/admin/deliveries?from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z", 400, "to");
    assertError("GET", "/admin/deliveries/msg_nope", 404, "id");
    assertError("POST", "/admin/deliveries/msg_nope/replay", 404, "id");
    assertError("POST", "/admin/deliveries/replay?status=pending", 400, "status");
    assertError("POST", "/admin/deliveries/replay?limit=5000", 400, "limit");
    assertError("POST", "/admin/destinations/nope/enable", 404, "id");
  }

  // --- helpers ---------------------------------------------------------------------------

  private void assertError(String method, String path, int status, String field) throws Exception {
    HttpResponse<Buffer> response = await(admin(method, path));
    assertThat(response.statusCode()).as(path).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getString("field")).as(path).isEqualTo(field);
    assertThat(response.bodyAsJsonObject().getString("error")).as(path).isNotBlank();
  }

  private static JsonObject state(JsonObject destinations, String id) {
    JsonArray all = destinations.getJsonArray("destinations");
    for (int i = 0; i < all.size(); i++) {
      if (id.equals(all.getJsonObject(i).getString("id"))) {
        return all.getJsonObject(i);
      }
    }
    throw new AssertionError("no destination " + id + " in " + destinations);
  }

  private Future<JsonObject> jsonFuture(String method, String path) {
    return admin(method, path).map(HttpResponse::bodyAsJsonObject);
  }

  private JsonObject json(String method, String path) throws Exception {
    return await(jsonFuture(method, path));
  }

  private Future<HttpResponse<Buffer>> admin(String method, String path) {
    var request =
        "POST".equals(method)
            ? client.post(gateway.httpPort(), "127.0.0.1", path)
            : client.get(gateway.httpPort(), "127.0.0.1", path);
    return request.bearerTokenAuthentication(AdminGatewayTest.TOKEN).send();
  }

  private String metrics() throws Exception {
    return await(client.get(gateway.httpPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
  }

  private Future<HttpResponse<Buffer>> post(JsonObject... events) {
    return client
        .post(gateway.httpPort(), "127.0.0.1", "/v1/events")
        .putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(TimersGatewayTest.batchOf(events)));
  }
}
