package dev.tripline.gateway;

import static dev.tripline.gateway.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Segment-compatible API of a real gateway over HTTP, against its embedded MongoDB: Segment's
 * own Java library sending to it unchanged, dedup by messageId, and identify traits reaching rules
 * as {@code event.profile}.
 */
@ExtendWith(VertxExtension.class)
class SegmentGatewayTest {

  static final String PRO_RULE =
      """
      - id: pro-purchase
        on: [Order Completed]
        where: "has(event.profile) && event.profile.traits.plan == 'pro'"
        detect:
          threshold: {group_by: [userId], count: 1, within: 60s}
      """;

  @TempDir Path dir;

  Vertx vertx;
  WebClient client;
  Gateway gateway;
  MongoClient mongo;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    gateway = await(new TestGateway(dir).rules(PRO_RULE).start(vertx));
    mongo = TestGateway.mongo(vertx, gateway);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (mongo != null) {
      mongo.close();
    }
    if (gateway != null) {
      await(gateway.stop());
    }
  }

  @Test
  void should_take_what_segments_official_java_library_sends_unchanged() throws Exception {
    List<Message> sent = new CopyOnWriteArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(6);
    Analytics analytics =
        Analytics.builder("a-write-key")
            .endpoint("http://127.0.0.1:" + gateway.httpPort())
            .flushQueueSize(100)
            .retries(1)
            .callback(
                new Callback() {
                  @Override
                  public void success(Message message) {
                    sent.add(message);
                    done.countDown();
                  }

                  @Override
                  public void failure(Message message, Throwable throwable) {
                    failures.add(message.type() + ": " + throwable);
                    done.countDown();
                  }
                })
            .build();
    try {
      analytics.enqueue(
          IdentifyMessage.builder()
              .userId("u1")
              .traits(Map.of("plan", "pro", "email", "u1@example.com")));
      analytics.enqueue(
          TrackMessage.builder("Order Completed")
              .userId("u1")
              .properties(Map.of("total", 42.5, "currency", "EUR")));
      analytics.enqueue(PageMessage.builder("Pricing").anonymousId("a1"));
      analytics.enqueue(ScreenMessage.builder("Home").userId("u1"));
      analytics.enqueue(GroupMessage.builder("g1").userId("u1").traits(Map.of("name", "Initech")));
      analytics.enqueue(AliasMessage.builder("a1").userId("u1"));
      analytics.flush();
      assertThat(done.await(60, TimeUnit.SECONDS)).as("the library got its answers").isTrue();
    } finally {
      analytics.shutdown();
    }

    assertThat(failures).isEmpty();
    assertThat(sent).hasSize(6);
    List<JsonObject> events =
        await(
            mongo.findWithOptions(
                "events",
                new JsonObject().put("source", "segment"),
                new FindOptions().setSort(new JsonObject().put("timestamp", 1))));
    assertThat(events)
        .extracting(e -> e.getString("type"))
        .containsExactlyInAnyOrder(
            "identify", "Order Completed", "page", "screen", "group", "alias");
    JsonObject order =
        events.stream()
            .filter(e -> e.getString("type").equals("Order Completed"))
            .findFirst()
            .get();
    assertThat(order.getString("userId")).isEqualTo("u1");
    assertThat(order.getJsonObject("properties").getDouble("total")).isEqualTo(42.5);
    assertThat(order.getString("id"))
        .as("the library's messageId is the event id")
        .isIn(sent.stream().map(Message::messageId).toList());
    assertThat(order.getJsonObject("context").getJsonObject("library").getString("name"))
        .isEqualTo("analytics-java");
    JsonObject profile = await(mongo.findOne("profiles", new JsonObject().put("_id", "u1"), null));
    assertThat(profile.getJsonObject("traits").getString("plan")).isEqualTo("pro");
    assertThat(profile.getJsonObject("firstSeen")).isNotNull();
  }

  @Test
  void should_store_a_resent_message_id_once() throws Exception {
    String batch =
        """
        {"batch": [
          {"type": "track", "userId": "u7", "event": "Signed Up", "messageId": "m-1"},
          {"type": "track", "userId": "u7", "event": "Signed Up", "messageId": "m-2"}
        ]}""";

    assertThat(post("/v1/batch", batch).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> again = post("/v1/batch", batch);

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject()).isEqualTo(new JsonObject().put("success", true));
    assertThat(await(mongo.count("events", new JsonObject().put("userId", "u7")))).isEqualTo(2);
  }

  @Test
  void should_fire_a_rule_on_the_profile_traits_an_identify_call_set() throws Exception {
    // a user without a profile: has(event.profile) is false, the rule does not fire
    assertThat(post("/v1/track", "{\"userId\":\"u2\",\"event\":\"Order Completed\"}").statusCode())
        .isEqualTo(200);
    assertThat(
            post(
                    "/v1/batch",
                    """
                    {"batch": [
                      {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}},
                      {"type": "track", "userId": "u1", "event": "Order Completed"}
                    ]}""")
                .statusCode())
        .isEqualTo(200);

    List<JsonObject> detections =
        await(
            Polling.until(
                vertx,
                () -> mongo.find("detections", new JsonObject()),
                found -> !found.isEmpty()));
    assertThat(detections).hasSize(1);
    assertThat(detections.get(0).getString("ruleId")).isEqualTo("pro-purchase");
    assertThat(detections.get(0).getJsonObject("key"))
        .isEqualTo(new JsonObject().put("userId", "u1"));
    JsonObject profile = await(mongo.findOne("profiles", new JsonObject().put("_id", "u1"), null));
    assertThat(profile.getLong("version")).isEqualTo(1);
    assertThat(await(mongo.count("profiles", new JsonObject()))).isEqualTo(1);
  }

  private HttpResponse<Buffer> post(String path, String body) throws Exception {
    return await(
        client
            .post(gateway.httpPort(), "127.0.0.1", path)
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(body)));
  }
}
