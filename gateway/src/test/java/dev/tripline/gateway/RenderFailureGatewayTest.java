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
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delivery whose body cannot be rendered is a dead letter with its error in the attempt history
 * of the admin API, not just a log line; the detection's other destinations are delivered.
 */
@ExtendWith(VertxExtension.class)
class RenderFailureGatewayTest {

  static final String RULE =
      """
      - id: burst
        detect:
          threshold: {group_by: [ip], count: 1, within: 1h}
        notify: [sink, crm]
      """;

  /** A template reading a key field the ip-grouped rule never has. */
  static final String CRM =
      """
      - id: crm
        url: http://127.0.0.1:%d/crm
        secret: %s
        allow_private: true
        template:
          email: detection.key.email
      """;

  @TempDir Path dir;

  Vertx vertx;
  WebClient client;
  Gateway gateway;
  Receiver sink;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    client = WebClient.create(vertx);
    sink = new Receiver(vertx, n -> 204);
    await(sink.listen());
    gateway =
        await(
            new TestGateway(dir)
                .rules(RULE)
                .destinations(
                    GatewayTest.sink(sink.port()) + CRM.formatted(sink.port(), GatewayTest.SECRET))
                .config(AdminGatewayTest.ADMIN + "delivery:\n  poll-interval: 20ms\n")
                .watchInterval("0s")
                .start(vertx));
  }

  @AfterEach
  void tearDown() throws Exception {
    await(gateway.stop());
  }

  @Test
  void should_dead_letter_a_delivery_whose_template_fails_with_the_error_in_its_history()
      throws Exception {
    await(
        client
            .post(gateway.httpPort(), "127.0.0.1", "/v1/events")
            .putHeader("content-type", "application/json")
            .sendBuffer(
                Buffer.buffer(
                    TimersGatewayTest.batchOf(
                        TimersGatewayTest.event("e1", "page", "u1", Instant.now())))));
    await(sink.first());

    JsonObject dead =
        await(
            Polling.until(
                vertx,
                () -> json("GET", "/admin/deliveries?status=dead&destination=crm"),
                d -> d.getInteger("count") == 1));
    String id = dead.getJsonArray("deliveries").getJsonObject(0).getString("id");
    JsonObject shown = await(json("GET", "/admin/deliveries/" + id));
    assertThat(shown.getString("status")).isEqualTo("dead");
    assertThat(shown.getString("body")).isEmpty();
    JsonObject attempt = shown.getJsonArray("history").getJsonObject(0);
    assertThat(attempt.getString("outcome")).isEqualTo("render_failed");
    assertThat(attempt.getValue("status")).isNull();
    assertThat(attempt.getString("error"))
        .startsWith("cannot render body: template.email:")
        .contains("detection.key.email");

    HttpResponse<Buffer> replay = await(admin("POST", "/admin/deliveries/" + id + "/replay"));
    assertThat(replay.statusCode()).isEqualTo(409);
    assertThat(replay.bodyAsJsonObject().getString("field")).isEqualTo("id");
    assertThat(replay.bodyAsJsonObject().getString("error"))
        .contains("no body to replay", "template.email");

    assertThat(sink.requests).hasSize(1);
    String metrics =
        await(client.get(gateway.httpPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
    assertThat(metrics)
        .contains("tripline_deliveries_render_failed_total{destination=\"crm\"} 1.0")
        .contains("tripline_deliveries_dead_total{destination=\"crm\"} 1.0");
  }

  private Future<JsonObject> json(String method, String path) {
    return admin(method, path).map(HttpResponse::bodyAsJsonObject);
  }

  private Future<HttpResponse<Buffer>> admin(String method, String path) {
    var request =
        "POST".equals(method)
            ? client.post(gateway.httpPort(), "127.0.0.1", path)
            : client.get(gateway.httpPort(), "127.0.0.1", path);
    return request.bearerTokenAuthentication(AdminGatewayTest.TOKEN).send();
  }
}
