package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * CloudEvents through the whole gateway, against its embedded MongoDB-compatible server: in
 * structured, binary and batch mode, deduplicated by source + id, detected, and delivered in the
 * {@code cloudevents} format; and the SockJS stream through the gateway's router.
 */
@ExtendWith(VertxExtension.class)
class CloudEventsGatewayTest {

  private static final JsonFormat FORMAT = new JsonFormat();

  private static final String RULE =
      """
      - id: orders
        on: [com.example.order.placed]
        detect:
          threshold: {group_by: [userId], count: 3, within: 1h}
        notify: [sink]
      """;

  @TempDir Path dir;

  private Vertx vertx;
  private WebClient client;
  // held in a field: Vert.x closes a client that is no longer referenced, handshakes included
  private WebSocketClient wsClient;
  private Gateway gateway;
  private GatewayTest.Receiver receiver;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    this.wsClient = vertx.createWebSocketClient();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      await(gateway.stop());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static CloudEvent order(String id) {
    return CloudEventBuilder.v1()
        .withId(id)
        .withSource(URI.create("https://shop.example/orders"))
        .withType("com.example.order.placed")
        .withSubject("u1")
        .withData("application/json", "{\"total\":42}".getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private static String structured(CloudEvent event) {
    return new String(FORMAT.serialize(event), StandardCharsets.UTF_8);
  }

  private HttpResponse<Buffer> post(String contentType, String body) throws Exception {
    return await(
        client
            .post(gateway.httpPort(), "127.0.0.1", "/v1/cloudevents")
            .putHeader("content-type", contentType)
            .sendBuffer(Buffer.buffer(body)));
  }

  private static JsonObject counts(int accepted, int duplicates) {
    return new JsonObject().put("accepted", accepted).put("duplicates", duplicates);
  }

  @Test
  void should_store_detect_and_deliver_cloudevents_in_every_mode() throws Exception {
    receiver = new GatewayTest.Receiver(vertx, n -> 204);
    await(receiver.listen());
    String destination =
        GatewayTest.sink(receiver.port())
            .replace("  timeout: 2s", "  format: cloudevents\n  timeout: 2s");
    gateway = await(new TestGateway(dir).rules(RULE).destinations(destination).start(vertx));

    HttpResponse<Buffer> structured = post(JsonFormat.CONTENT_TYPE, structured(order("o-1")));
    HttpResponse<Buffer> binary =
        await(
            client
                .post(gateway.httpPort(), "127.0.0.1", "/v1/cloudevents")
                .putHeader("ce-specversion", "1.0")
                .putHeader("ce-id", "o-2")
                .putHeader("ce-source", "https://shop.example/orders")
                .putHeader("ce-type", "com.example.order.placed")
                .putHeader("ce-subject", "u1")
                .putHeader("content-type", "application/json")
                .sendBuffer(Buffer.buffer("{\"total\":7}")));
    HttpResponse<Buffer> batch =
        post(
            "application/cloudevents-batch+json",
            "[" + structured(order("o-3")) + "," + structured(order("o-1")) + "]");

    assertThat(structured.bodyAsJsonObject()).isEqualTo(counts(1, 0));
    assertThat(binary.bodyAsJsonObject()).isEqualTo(counts(1, 0));
    assertThat(batch.bodyAsJsonObject()).as("o-1 again").isEqualTo(counts(1, 1));

    MongoClient mongo = TestGateway.mongo(vertx, gateway);
    try {
      List<JsonObject> stored = await(mongo.find("events", new JsonObject()));
      assertThat(stored).hasSize(3);
      assertThat(stored)
          .allSatisfy(
              e -> {
                assertThat(e.getString("source")).isEqualTo("cloudevents");
                assertThat(e.getString("userId")).isEqualTo("u1");
              });
    } finally {
      mongo.close();
    }

    GatewayTest.Receiver.Request delivered = await(receiver.first());
    assertThat(delivered.headers().get("content-type")).startsWith("application/cloudevents+json");
    CloudEvent detection = FORMAT.deserialize(delivered.body().getBytes(StandardCharsets.UTF_8));
    assertThat(detection.getId()).isEqualTo(delivered.headers().get("webhook-id"));
    assertThat(detection.getType()).isEqualTo("dev.tripline.detection");
    assertThat(detection.getSource()).isEqualTo(URI.create("/tripline/rules/orders"));
    assertThat(detection.getSubject()).isEqualTo("userId=u1");
    JsonObject data =
        new JsonObject(new String(detection.getData().toBytes(), StandardCharsets.UTF_8));
    assertThat(data.getJsonObject("rule").getString("id")).isEqualTo("orders");
    assertThat(data.getJsonObject("events").getJsonArray("ids")).hasSize(3);
  }

  @Test
  void should_answer_400_naming_a_missing_attribute_and_store_nothing() throws Exception {
    gateway = await(new TestGateway(dir).start(vertx));
    JsonObject event = new JsonObject(structured(order("o-1")));
    event.remove("source");

    HttpResponse<Buffer> response = post(JsonFormat.CONTENT_TYPE, event.encode());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(
            new JsonObject()
                .put("error", "source: required CloudEvents attribute missing")
                .put("field", "source"));
    MongoClient mongo = TestGateway.mongo(vertx, gateway);
    try {
      assertThat(await(mongo.count("events", new JsonObject()))).isZero();
    } finally {
      mongo.close();
    }
  }

  @Test
  void should_ack_a_sockjs_frame_once_stored(Vertx vertx) throws Exception {
    gateway = await(new TestGateway(dir).start(vertx));
    List<String> frames = new CopyOnWriteArrayList<>();
    Promise<Void> acked = Promise.promise();

    WebSocket ws =
        await(
            wsClient.connect(gateway.httpPort(), "127.0.0.1", "/v1/sockjs/000/gwsess01/websocket"));
    ws.textMessageHandler(
        text -> {
          frames.add(text);
          if (text.startsWith("a[")) {
            acked.tryComplete();
          }
        });
    ws.writeTextMessage(
        new JsonArray().add("{\"seq\":1,\"type\":\"signup\",\"id\":\"sj1\"}").encode());
    await(acked.future());

    String answer = frames.stream().filter(f -> f.startsWith("a[")).findFirst().orElseThrow();
    assertThat(new JsonObject(new JsonArray(answer.substring(1)).getString(0)))
        .isEqualTo(
            new JsonObject()
                .put("type", "ack")
                .put("seq", 1)
                .put("accepted", 1)
                .put("duplicates", 0));
    MongoClient mongo = TestGateway.mongo(vertx, gateway);
    try {
      assertThat(await(mongo.count("events", new JsonObject().put("id", "sj1")))).isEqualTo(1);
    } finally {
      mongo.close();
    }
    await(wsClient.close());
  }
}
