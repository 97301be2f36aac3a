package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.gateway.GatewayTest.Receiver;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination's frequency cap through the whole gateway: two rules fire for one user on the same
 * event and notify a capped destination ({@code klaviyo}, one per user per 16 h) and an uncapped
 * one ({@code crm}); the cap holds across a restart on the same data.
 */
@ExtendWith(VertxExtension.class)
class FrequencyCapGatewayTest {

  private static final String RULES =
      """
      - id: welcome
        on: [signup]
        detect:
          threshold: {group_by: [userId], count: 1, within: 60s}
        notify: [klaviyo, crm]
      - id: free-plan
        on: [signup]
        where: "event.properties.plan == 'free'"
        detect:
          threshold: {group_by: [userId], count: 1, within: 60s}
        notify: [klaviyo, crm]
      """;

  @TempDir Path dir;

  Vertx vertx;
  WebClient client;
  Gateway gateway;
  Receiver klaviyo;
  Receiver crm;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    klaviyo = new Receiver(vertx, n -> 204);
    crm = new Receiver(vertx, n -> 204);
    Future.all(klaviyo.listen(), crm.listen())
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private TestGateway testGateway() {
    return new TestGateway(dir)
        .rules(RULES)
        .destinations(
            """
            - id: klaviyo
              url: http://127.0.0.1:%d/hook
              secret: %s
              frequency_cap: {per: userId, max: 1, within: 16h}
              allow_private: true
            - id: crm
              url: http://127.0.0.1:%d/hook
              secret: %s
              allow_private: true
            """
                .formatted(klaviyo.port(), GatewayTest.SECRET, crm.port(), GatewayTest.SECRET));
  }

  @Test
  void should_send_one_webhook_per_user_to_the_capped_destination_across_a_restart(
      VertxTestContext ctx) throws Exception {
    gateway = start(testGateway());

    post(signup("e1", "u1"))
        .compose(response -> settled(4))
        .compose(
            statuses -> {
              ctx.verify(
                  () -> {
                    assertThat(klaviyo.requests).hasSize(1);
                    assertThat(crm.requests).hasSize(2);
                    assertThat(statuses.get("klaviyo"))
                        .containsExactlyInAnyOrder("succeeded", "capped");
                    assertThat(statuses.get("crm"))
                        .containsExactlyInAnyOrder("succeeded", "succeeded");
                  });
              Gateway first = gateway;
              gateway = null;
              return first.stop();
            })
        .compose(stopped -> testGateway().start(vertx))
        .compose(
            restarted -> {
              gateway = restarted;
              return post(signup("e2", "u1"));
            })
        .compose(response -> settled(8))
        .compose(
            statuses -> {
              ctx.verify(
                  () -> {
                    assertThat(klaviyo.requests).as("still one webhook for u1").hasSize(1);
                    assertThat(crm.requests).hasSize(4);
                    assertThat(statuses.get("klaviyo"))
                        .containsExactlyInAnyOrder("succeeded", "capped", "capped", "capped");
                  });
              return post(signup("e3", "u2"));
            })
        .compose(response -> settled(12))
        .compose(
            statuses -> {
              ctx.verify(
                  () -> {
                    assertThat(klaviyo.requests).as("another user is not capped by u1").hasSize(2);
                    assertThat(new JsonObject(klaviyo.requests.get(1).body()).getJsonObject("key"))
                        .isEqualTo(new JsonObject().put("userId", "u2"));
                  });
              return client.get(gateway.httpPort(), "127.0.0.1", "/metrics").send();
            })
        .onComplete(
            ctx.succeeding(
                metrics ->
                    ctx.verify(
                        () -> {
                          assertThat(metrics.bodyAsString().lines())
                              .anyMatch(
                                  line ->
                                      line.startsWith("tripline_deliveries_capped_total")
                                          && line.contains("destination=\"klaviyo\"")
                                          && line.endsWith(" 3.0"));
                          ctx.completeNow();
                        })));
  }

  private Gateway start(TestGateway testGateway) throws Exception {
    return testGateway
        .start(vertx)
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  private Future<HttpResponse<Buffer>> post(JsonObject event) {
    return client
        .post(gateway.httpPort(), "127.0.0.1", "/v1/events")
        .putHeader("content-type", "application/json")
        .sendBuffer(event.toBuffer())
        .map(
            response -> {
              if (response.statusCode() != 202) {
                throw new IllegalStateException("not accepted: " + response.bodyAsString());
              }
              return response;
            });
  }

  private static JsonObject signup(String id, String user) {
    return new JsonObject()
        .put("id", id)
        .put("type", "signup")
        .put("userId", user)
        .put("properties", new JsonObject().put("plan", "free"));
  }

  /**
   * Completes with the delivery statuses by destination once {@code count} deliveries exist and
   * none is pending any more (all sent or capped). Polls: deliveries are written after the ack.
   */
  private Future<Map<String, List<String>>> settled(int count) {
    MongoClient mongo = TestGateway.mongo(vertx, gateway);
    Promise<Map<String, List<String>>> done = Promise.promise();
    AtomicInteger tries = new AtomicInteger();
    vertx.setPeriodic(
        20,
        timer ->
            mongo
                .find("deliveries", new JsonObject())
                .onSuccess(
                    deliveries -> {
                      boolean settled =
                          deliveries.size() == count
                              && deliveries.stream()
                                  .noneMatch(d -> "pending".equals(d.getString("status")));
                      if (settled) {
                        vertx.cancelTimer(timer);
                        done.tryComplete(
                            deliveries.stream()
                                .collect(
                                    Collectors.groupingBy(
                                        d -> d.getString("destination"),
                                        Collectors.mapping(
                                            d -> d.getString("status"), Collectors.toList()))));
                      } else if (tries.incrementAndGet() > 500) {
                        vertx.cancelTimer(timer);
                        done.tryFail(
                            "deliveries not settled: "
                                + new JsonArray(List.copyOf(deliveries)).encode());
                      }
                    }));
    return done.future().eventually(mongo::close);
  }
}
