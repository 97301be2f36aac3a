package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One write key guards every ingest API of a real gateway: with a {@code kind: api} source
 * configured, the Segment-compatible API, CloudEvents and the WebSocket stream refuse requests
 * without the key, and attribute what they accept to the key's source — the same gate as {@code
 * POST /v1/events} (see {@link SourcesGatewayTest}).
 */
@ExtendWith(VertxExtension.class)
class WriteKeysGatewayTest {

  private static final String KEY = "wk_web_test_key";
  private static final String SOURCES =
      """
      - id: web
        kind: api
        write_keys:
          - ${WEB_WRITE_KEY}
      """;

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
    gateway =
        await(new TestGateway(dir).sources(SOURCES).env(Map.of("WEB_WRITE_KEY", KEY)).start(vertx));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      await(gateway.stop());
    }
  }

  @Test
  void should_require_the_key_on_the_segment_api_and_attribute_to_its_source() throws Exception {
    JsonObject track =
        new JsonObject().put("userId", "u1").put("event", "Signed Up").put("messageId", "m-1");

    HttpResponse<Buffer> refused =
        await(client.post(gateway.httpPort(), "127.0.0.1", "/v1/track").sendJsonObject(track));
    HttpResponse<Buffer> wrong =
        await(
            client
                .post(gateway.httpPort(), "127.0.0.1", "/v1/track")
                .basicAuthentication("wk_other", "")
                .sendJsonObject(track));
    HttpResponse<Buffer> accepted =
        await(
            client
                .post(gateway.httpPort(), "127.0.0.1", "/v1/track")
                .basicAuthentication(KEY, "")
                .sendJsonObject(track));

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("write key required");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
    assertThat(stored())
        .extracting(e -> e.getString("source") + "/" + e.getString("id"))
        .containsExactly("web/m-1");
  }

  @Test
  void should_require_the_key_on_cloudevents_and_attribute_to_its_source() throws Exception {
    JsonObject event =
        new JsonObject()
            .put("specversion", "1.0")
            .put("id", "ce-1")
            .put("source", "/shop")
            .put("type", "order_completed")
            .put("subject", "u1");

    HttpResponse<Buffer> refused =
        await(
            client
                .post(gateway.httpPort(), "127.0.0.1", "/v1/cloudevents")
                .putHeader("content-type", "application/cloudevents+json")
                .sendBuffer(event.toBuffer()));
    HttpResponse<Buffer> accepted =
        await(
            client
                .post(gateway.httpPort(), "127.0.0.1", "/v1/cloudevents")
                .putHeader("content-type", "application/cloudevents+json")
                .bearerTokenAuthentication(KEY)
                .sendBuffer(event.toBuffer()));

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(202);
    List<JsonObject> events = stored();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getString("source")).isEqualTo("web");
    assertThat(events.get(0).getString("type")).isEqualTo("order_completed");
  }

  @Test
  void should_refuse_stream_frames_without_the_key_and_ack_them_with_it() throws Exception {
    String frame = new JsonObject().put("seq", 1).put("type", "signup").put("id", "s-1").encode();

    JsonObject refused = firstAnswer(connect(null), frame);
    JsonObject acked = firstAnswer(connect(KEY), frame);

    assertThat(refused.getString("type")).isEqualTo("error");
    assertThat(refused.getString("field")).isEqualTo("authorization");
    assertThat(acked)
        .isEqualTo(
            new JsonObject()
                .put("type", "ack")
                .put("seq", 1)
                .put("accepted", 1)
                .put("duplicates", 0));
    assertThat(stored())
        .extracting(e -> e.getString("source") + "/" + e.getString("id"))
        .containsExactly("web/s-1");
  }

  private Future<WebSocket> connect(String key) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(gateway.httpPort())
            .setURI("/v1/stream");
    if (key != null) {
      options.addHeader("Authorization", "Bearer " + key);
    }
    return wsClient.connect(options);
  }

  private static JsonObject firstAnswer(Future<WebSocket> connecting, String frame)
      throws Exception {
    return await(
        connecting.compose(
            socket -> {
              Promise<JsonObject> answer = Promise.promise();
              socket.textMessageHandler(text -> answer.tryComplete(new JsonObject(text)));
              socket.writeTextMessage(frame);
              return answer.future().eventually(socket::close);
            }));
  }

  private List<JsonObject> stored() throws Exception {
    MongoClient mongo = TestGateway.mongo(vertx, gateway);
    try {
      return await(mongo.find("events", new JsonObject()));
    } finally {
      await(mongo.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
