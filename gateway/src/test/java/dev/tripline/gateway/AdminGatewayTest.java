package dev.tripline.gateway;

import static dev.tripline.gateway.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.gateway.GatewayTest.Receiver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The token-protected admin API and hot reload of the rules directory, over real HTTP. */
@ExtendWith(VertxExtension.class)
class AdminGatewayTest {

  static final String TOKEN = "test-admin-token-0123456789";

  static final String ADMIN = "admin:\n  token: " + TOKEN + "\n";

  static final String BURST =
      """
      - id: burst
        detect:
          threshold: {group_by: [ip], count: 3, within: 1h}
        notify: [sink]
      """;

  static final String CART =
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
    if (gateway != null) {
      await(gateway.stop());
    }
  }

  @Test
  void should_refuse_requests_without_the_token_and_hide_the_api_when_disabled() throws Exception {
    start(BURST, ADMIN, "0s");

    HttpResponse<Buffer> none =
        await(client.get(gateway.httpPort(), "127.0.0.1", "/admin/rules").send());
    HttpResponse<Buffer> wrong =
        await(
            client
                .get(gateway.httpPort(), "127.0.0.1", "/admin/rules")
                .bearerTokenAuthentication("nope")
                .send());

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsJsonObject().getString("error"))
        .isEqualTo("missing or wrong admin token");
    assertThat(wrong.bodyAsString()).doesNotContain(TOKEN);
    await(gateway.stop());

    gateway = null;
    start(BURST, "", "0s");
    assertThat(await(admin("GET", "/admin/rules")).statusCode()).isEqualTo(404);
  }

  @Test
  void should_reload_keeping_unchanged_rules_state_and_resetting_changed_ones() throws Exception {
    start(BURST + CART, ADMIN, "0s");
    Instant now = Instant.now();
    await(post(event("e1", "page", "u9", now), event("e2", "page", "u9", now)));
    await(post(event("c1", "add_to_cart", "u1", now)));
    // detection runs after the ack (behind the profile join), so wait for the cart's timer
    JsonObject rules =
        await(
            Polling.until(
                vertx,
                () -> admin("GET", "/admin/rules").map(HttpResponse::bodyAsJsonObject),
                r -> r.getJsonArray("rules").getJsonObject(1).getInteger("timers") == 1));
    assertThat(rules.getJsonArray("rules").getJsonObject(0).getString("kind"))
        .isEqualTo("threshold");

    Files.writeString(
        dir.resolve("rules/rules.yaml"),
        BURST
            + CART.replace("after: 1h", "after: 2h")
            + """
            - id: signups
              on: [signup]
              detect:
                threshold: {group_by: [ip], count: 100, within: 1m}
            """);
    HttpResponse<Buffer> reloaded = await(admin("POST", "/admin/rules/reload"));

    assertThat(reloaded.statusCode()).isEqualTo(200);
    JsonObject report = reloaded.bodyAsJsonObject();
    assertThat(report.getString("outcome")).isEqualTo("applied");
    assertThat(report.getString("trigger")).isEqualTo("admin");
    assertThat(
            report.getJsonArray("rules").stream()
                .map(
                    r ->
                        ((JsonObject) r).getString("id")
                            + " "
                            + ((JsonObject) r).getString("change")
                            + " "
                            + ((JsonObject) r).getString("state"))
                .toList())
        .containsExactly("burst unchanged kept", "cart-abandon changed reset", "signups added new");
    // the burst window kept e1 and e2: the third event fires it
    await(post(event("e3", "page", "u9", now)));
    JsonObject webhook = new JsonObject(await(receiver.first()).body());
    assertThat(webhook.getJsonObject("rule").getString("id")).isEqualTo("burst");
    // the changed absence rule lost its timer, in memory and in MongoDB
    JsonObject state =
        await(admin("GET", "/admin/rules/cart-abandon/keys?userId=u1")).bodyAsJsonObject();
    assertThat(state.getValue("state")).isNull();
    var mongo = TestGateway.mongo(vertx, gateway);
    assertThat(
            await(
                Polling.until(vertx, () -> mongo.count("timers", new JsonObject()), n -> n == 0L)))
        .isZero();
    mongo.close();
    assertThat(await(admin("GET", "/admin/rules/reload")).bodyAsJsonObject()).isEqualTo(report);
  }

  @Test
  void should_keep_the_running_rules_when_a_reload_is_invalid() throws Exception {
    start(BURST, ADMIN, "0s");
    Files.writeString(dir.resolve("rules/rules.yaml"), BURST.replace("count: 3", "count: 0"));

    HttpResponse<Buffer> reloaded = await(admin("POST", "/admin/rules/reload"));

    assertThat(reloaded.statusCode()).isEqualTo(422);
    JsonObject report = reloaded.bodyAsJsonObject();
    assertThat(report.getString("outcome")).isEqualTo("invalid");
    assertThat(report.getJsonArray("errors").getString(0))
        .endsWith(
            "rules.yaml:3:40 rule burst: detect.threshold.count: must be an integer >= 1, was \"0\"");
    await(post(event("e1", "page", "u9", Instant.now())));
    await(post(event("e2", "page", "u9", Instant.now())));
    await(post(event("e3", "page", "u9", Instant.now())));
    assertThat(new JsonObject(await(receiver.first()).body()).getJsonObject("rule").getString("id"))
        .isEqualTo("burst");
    assertThat(gatewayMetrics()).contains("tripline_rules_reloads_total{outcome=\"invalid\"} 1.0");
  }

  @Test
  void should_reload_by_itself_when_the_rules_directory_changes() throws Exception {
    start(BURST, ADMIN, "20ms");

    Files.writeString(dir.resolve("rules/more.yaml"), CART);
    JsonObject report =
        await(
            Polling.until(
                vertx,
                () -> admin("GET", "/admin/rules/reload").map(HttpResponse::bodyAsJsonObject),
                r -> "watch".equals(r.getString("trigger"))));

    assertThat(report.getString("outcome")).isEqualTo("applied");
    // more.yaml sorts before rules.yaml
    assertThat(report.getJsonArray("rules").getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("id", "cart-abandon")
                .put("version", report.getJsonArray("rules").getJsonObject(0).getString("version"))
                .put("change", "added")
                .put("state", "new"));
  }

  @Test
  void should_answer_why_a_rule_fired_with_detections_and_key_state() throws Exception {
    start(BURST, ADMIN, "0s");
    Instant now = Instant.now();
    await(post(event("e1", "page", "u9", now), event("e2", "page", "u9", now)));

    // detection runs after the ack (behind the profile join): wait until both events are counted
    JsonObject before =
        await(
            Polling.until(
                vertx,
                () ->
                    admin("GET", "/admin/rules/burst/keys?ip=127.0.0.1")
                        .map(HttpResponse::bodyAsJsonObject),
                r ->
                    r.getJsonObject("state") != null
                        && r.getJsonObject("state").getInteger("count") >= 2));
    assertThat(before.getJsonObject("state").getInteger("count")).isEqualTo(2);
    await(post(event("e3", "page", "u9", now)));
    await(receiver.first());
    JsonObject detections =
        await(
            Polling.until(
                vertx,
                () ->
                    admin("GET", "/admin/detections?rule=burst&key.ip=127.0.0.1&limit=10")
                        .map(HttpResponse::bodyAsJsonObject),
                d -> d.getInteger("count") == 1));
    assertThat(detections.getJsonArray("detections").getJsonObject(0).getString("lastEventId"))
        .isEqualTo("e3");
    assertThat(
            await(admin("GET", "/admin/detections?rule=burst&key.ip=10.0.0.1"))
                .bodyAsJsonObject()
                .getInteger("count"))
        .isZero();

    HttpResponse<Buffer> missingKey = await(admin("GET", "/admin/rules/burst/keys"));
    HttpResponse<Buffer> unknownRule = await(admin("GET", "/admin/rules/nope/keys?ip=1"));
    HttpResponse<Buffer> badLimit = await(admin("GET", "/admin/detections?limit=5000"));
    HttpResponse<Buffer> badTime = await(admin("GET", "/admin/detections?from=yesterday"));
    HttpResponse<Buffer> extremeTime =
        await(admin("GET", "/admin/detections?to=-999999999-01-01T00:00:00Z"));

    assertThat(missingKey.statusCode()).isEqualTo(400);
    assertThat(missingKey.bodyAsJsonObject().getString("field")).isEqualTo("ip");
    assertThat(unknownRule.statusCode()).isEqualTo(404);
    assertThat(badLimit.statusCode()).isEqualTo(400);
    assertThat(badLimit.bodyAsJsonObject().getString("field")).isEqualTo("limit");
    assertThat(badTime.statusCode()).isEqualTo(400);
    assertThat(badTime.bodyAsJsonObject().getString("field")).isEqualTo("from");
    assertThat(extremeTime.statusCode()).as(extremeTime.bodyAsString()).isEqualTo(400);
    assertThat(extremeTime.bodyAsJsonObject().getString("error"))
        .isEqualTo(
            "to: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, was"
                + " \"-999999999-01-01T00:00:00Z\"");
  }

  // --- helpers ---------------------------------------------------------------------------

  private void start(String rules, String config, String watchInterval) throws Exception {
    gateway =
        await(
            new TestGateway(dir)
                .rules(rules)
                .destinations(GatewayTest.sink(receiver.port()))
                .config(config)
                .watchInterval(watchInterval)
                .start(vertx));
  }

  private Future<HttpResponse<Buffer>> admin(String method, String path) {
    var request =
        "POST".equals(method)
            ? client.post(gateway.httpPort(), "127.0.0.1", path)
            : client.get(gateway.httpPort(), "127.0.0.1", path);
    return request.bearerTokenAuthentication(TOKEN).send();
  }

  private String gatewayMetrics() throws Exception {
    return await(client.get(gateway.httpPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
  }

  private Future<HttpResponse<Buffer>> post(JsonObject... events) {
    return client
        .post(gateway.httpPort(), "127.0.0.1", "/v1/events")
        .putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(TimersGatewayTest.batchOf(events)))
        .map(
            response -> {
              assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
              return response;
            });
  }

  private static JsonObject event(String id, String type, String userId, Instant at) {
    return TimersGatewayTest.event(id, type, userId, at);
  }
}
