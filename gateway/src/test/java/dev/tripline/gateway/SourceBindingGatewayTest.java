package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A write key stores events under its own source only, on every ingest route. Because (source, id)
 * deduplicates, a key holder that could name another source could take that source's ids first, and
 * the genuine events would then be dropped as duplicates. Each test has the {@code web} key try to
 * store {@code {source: "mobile", id: "x"}}, then the {@code mobile} key send its own event {@code
 * x}, which must be accepted, not counted as a duplicate.
 */
@ExtendWith(VertxExtension.class)
class SourceBindingGatewayTest {

  private static final String WEB = "wk_web_binding";
  private static final String MOBILE = "wk_mobile_binding";
  private static final String SOURCES =
      """
      - id: web
        kind: api
        write_keys: ["${WEB_KEY}"]
      - id: mobile
        kind: api
        write_keys: ["${MOBILE_KEY}"]
      - id: shop
        verify: {scheme: api-key, secrets: [shop-key]}
        map: {type: "'order'", id: /id}
      """;
  private static final String REFUSED =
      "source: must be \"web\", the source of the write key, or left out; was \"mobile\"";
  private static final JsonObject ACCEPTED_ONCE =
      new JsonObject().put("accepted", 1).put("duplicates", 0);

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
        await(
            new TestGateway(dir)
                .sources(SOURCES)
                .env(Map.of("WEB_KEY", WEB, "MOBILE_KEY", MOBILE))
                .start(vertx));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      await(gateway.stop());
    }
  }

  @Test
  void should_refuse_an_event_naming_another_source_on_v1_events() throws Exception {
    HttpResponse<Buffer> refused = postEvents(WEB, event("x").put("source", "mobile"));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("error", REFUSED).put("field", "source"));
    assertThat(stored()).isEmpty();

    HttpResponse<Buffer> genuine = postEvents(MOBILE, event("x").put("source", "mobile"));
    assertThat(genuine.bodyAsJsonObject()).isEqualTo(ACCEPTED_ONCE);
    assertThat(stored()).containsExactly("mobile/x");
  }

  @Test
  void should_refuse_a_batch_with_an_event_naming_another_source_on_v1_events() throws Exception {
    JsonObject batch =
        new JsonObject()
            .put("batch", new JsonArray().add(event("y")).add(event("x").put("source", "mobile")));

    HttpResponse<Buffer> refused = postEvents(WEB, batch);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("error", REFUSED).put("field", "source").put("index", 1));
    assertThat(stored()).as("all or nothing").isEmpty();

    assertThat(postEvents(MOBILE, event("x")).bodyAsJsonObject()).isEqualTo(ACCEPTED_ONCE);
    assertThat(stored()).containsExactly("mobile/x");
  }

  @Test
  void should_answer_an_error_frame_for_an_event_naming_another_source_on_v1_stream()
      throws Exception {
    JsonObject refused =
        firstAnswer(connect("/v1/stream", WEB), event("x").put("seq", 1).put("source", "mobile"));
    assertThat(refused)
        .isEqualTo(
            new JsonObject()
                .put("type", "error")
                .put("seq", 1)
                .put("error", REFUSED)
                .put("field", "source"));
    assertThat(stored()).isEmpty();

    JsonObject genuine = firstAnswer(connect("/v1/stream", MOBILE), event("x").put("seq", 1));
    assertThat(genuine).isEqualTo(ack(1).mergeIn(ACCEPTED_ONCE));
    assertThat(stored()).containsExactly("mobile/x");
  }

  /** Browsers authenticate with a frame, over SockJS too. */
  @Test
  void should_answer_an_error_for_an_event_naming_another_source_over_sockjs() throws Exception {
    List<JsonObject> refused =
        sockJsAnswers(
            "/v1/sockjs/000/webbind1/websocket",
            auth(WEB),
            event("x").put("seq", 1).put("source", "mobile"));
    assertThat(refused.get(1))
        .isEqualTo(
            new JsonObject()
                .put("type", "error")
                .put("seq", 1)
                .put("error", REFUSED)
                .put("field", "source"));
    assertThat(stored()).isEmpty();

    List<JsonObject> genuine =
        sockJsAnswers("/v1/sockjs/000/mobbind1/websocket", auth(MOBILE), event("x").put("seq", 1));
    assertThat(genuine.get(1)).isEqualTo(ack(1).mergeIn(ACCEPTED_ONCE));
    assertThat(stored()).containsExactly("mobile/x");
  }

  /**
   * A CloudEvent's {@code source} is a URI of the producer's, kept in {@code context}; the event's
   * source is the write key's, so no CloudEvent can take another key's ids.
   */
  @ParameterizedTest
  @ValueSource(strings = {"/v1/cloudevents", "/v1/events"})
  void should_store_a_cloudevent_under_its_write_keys_source_whatever_its_source_attribute(
      String path) throws Exception {
    JsonObject cloudEvent =
        new JsonObject()
            .put("specversion", "1.0")
            .put("id", "x")
            .put("source", "mobile")
            .put("type", "signup");

    assertThat(postCloudEvent(path, WEB, cloudEvent).bodyAsJsonObject()).isEqualTo(ACCEPTED_ONCE);
    assertThat(postCloudEvent(path, MOBILE, cloudEvent).bodyAsJsonObject())
        .isEqualTo(ACCEPTED_ONCE);
    assertThat(storedEvents())
        .extracting(
            e ->
                e.getString("source")
                    + " "
                    + e.getJsonObject("context").encode().contains("mobile"))
        .containsExactlyInAnyOrder("web true", "mobile true");
  }

  /** Segment's API has no source field: the write key decides it, and a body's is ignored. */
  @Test
  void should_store_segment_calls_under_their_write_keys_source() throws Exception {
    JsonObject track =
        new JsonObject()
            .put("userId", "u1")
            .put("event", "Signed Up")
            .put("messageId", "x")
            .put("source", "mobile");
    JsonObject batch =
        new JsonObject()
            .put(
                "batch",
                new JsonArray().add(track.copy().put("type", "track").put("messageId", "y")));

    assertThat(postSegment("/v1/track", WEB, track).statusCode()).isEqualTo(200);
    assertThat(postSegment("/v1/batch", WEB, batch).statusCode()).isEqualTo(200);
    assertThat(postSegment("/v1/track", MOBILE, track).statusCode()).isEqualTo(200);
    assertThat(postSegment("/v1/batch", MOBILE, batch).statusCode()).isEqualTo(200);

    assertThat(stored())
        .as("the mobile calls stored, not dropped as duplicates")
        .containsExactlyInAnyOrder("web/x", "web/y", "mobile/x", "mobile/y");
  }

  /** A webhook source's map cannot set {@code source}: a payload's lands in the properties. */
  @Test
  void should_store_a_webhook_under_its_own_source_whatever_the_payload_says() throws Exception {
    HttpResponse<Buffer> hook =
        await(
            client
                .post(gateway.httpPort(), "127.0.0.1", "/hooks/shop")
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Api-Key", "shop-key")
                .sendJsonObject(new JsonObject().put("id", "x").put("source", "mobile")));
    assertThat(hook.bodyAsJsonObject()).isEqualTo(ACCEPTED_ONCE);

    assertThat(postEvents(MOBILE, event("x")).bodyAsJsonObject()).isEqualTo(ACCEPTED_ONCE);
    assertThat(stored()).containsExactlyInAnyOrder("shop/x", "mobile/x");
  }

  // --- helpers ---------------------------------------------------------------------------

  private static JsonObject event(String id) {
    return new JsonObject().put("type", "signup").put("id", id);
  }

  private static JsonObject ack(int seq) {
    return new JsonObject().put("type", "ack").put("seq", seq);
  }

  private static JsonObject auth(String key) {
    return new JsonObject().put("seq", 0).put("auth", new JsonObject().put("writeKey", key));
  }

  private HttpResponse<Buffer> postEvents(String key, JsonObject body) throws Exception {
    return await(
        client
            .post(gateway.httpPort(), "127.0.0.1", "/v1/events")
            .bearerTokenAuthentication(key)
            .sendJsonObject(body));
  }

  private HttpResponse<Buffer> postCloudEvent(String path, String key, JsonObject cloudEvent)
      throws Exception {
    return await(
        client
            .post(gateway.httpPort(), "127.0.0.1", path)
            .putHeader("Content-Type", "application/cloudevents+json")
            .bearerTokenAuthentication(key)
            .sendBuffer(cloudEvent.toBuffer()));
  }

  private HttpResponse<Buffer> postSegment(String path, String key, JsonObject body)
      throws Exception {
    return await(
        client
            .post(gateway.httpPort(), "127.0.0.1", path)
            .basicAuthentication(key, "")
            .sendJsonObject(body));
  }

  private Future<WebSocket> connect(String path, String key) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.httpPort()).setURI(path);
    if (key != null) {
      options.addHeader("Authorization", "Bearer " + key);
    }
    return wsClient.connect(options);
  }

  private static JsonObject firstAnswer(Future<WebSocket> connecting, JsonObject frame)
      throws Exception {
    return await(
        connecting.compose(
            socket -> {
              Promise<JsonObject> answer = Promise.promise();
              socket.textMessageHandler(text -> answer.tryComplete(new JsonObject(text)));
              socket.writeTextMessage(frame.encode());
              return answer.future().eventually(socket::close);
            }));
  }

  /** Sends the frames in one SockJS message and returns the first two answers. */
  private List<JsonObject> sockJsAnswers(String path, JsonObject... frames) throws Exception {
    JsonArray message = new JsonArray();
    for (JsonObject frame : frames) {
      message.add(frame.encode());
    }
    return await(
        connect(path, null)
            .compose(
                socket -> {
                  JsonArray answers = new JsonArray();
                  Promise<List<JsonObject>> two = Promise.promise();
                  socket.textMessageHandler(
                      text -> {
                        if (text.equals("o")) {
                          socket.writeTextMessage(message.encode());
                        } else if (text.startsWith("a[")) {
                          new JsonArray(text.substring(1)).forEach(answers::add);
                          if (answers.size() >= 2) {
                            two.tryComplete(
                                answers.stream().map(a -> new JsonObject((String) a)).toList());
                          }
                        }
                      });
                  return two.future().eventually(socket::close);
                }));
  }

  /** What the store holds, as {@code source/id}. */
  private List<String> stored() throws Exception {
    return storedEvents().stream()
        .map(e -> e.getString("source") + "/" + e.getString("id"))
        .toList();
  }

  private List<JsonObject> storedEvents() throws Exception {
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
