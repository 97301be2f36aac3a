package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.handlers.access.RateLimiter;
import dev.tripline.handlers.access.WriteKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The streams' authentication (a write key at the upgrade or in the first frame) and the SockJS
 * endpoint, which speaks the same frames as the WebSocket.
 */
@ExtendWith(VertxExtension.class)
class StreamAuthTest {

  private static final IngestAccess KEYED =
      new IngestAccess(WriteKeys.of(Map.of("k-web", "web")), RateLimiter.NONE);

  private FakeIngestService store;
  private RecordingObserver observer;
  private HttpServer server;
  private WebSocketClient wsClient;
  private WebClient client;
  private int port;

  private void start(Vertx vertx, IngestAccess access, StreamAuth auth) throws Exception {
    store = new FakeIngestService();
    observer = new RecordingObserver();
    wsClient = vertx.createWebSocketClient();
    // a fresh connection per request: SockJS keys sessions by URL, and a pooled connection the
    // server is closing between two polls would fail the next request ("Connection was closed")
    client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
    server =
        await(
            TestServers.listen(
                vertx,
                store,
                TestServers.LIMITS,
                ClientIpResolver.direct(),
                observer,
                access,
                auth));
    port = server.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      await(server.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private StreamClient connect(String path, String authorization) throws Exception {
    return StreamClient.connect(wsClient, port, path, authorization);
  }

  private static final String EVENT = "{\"seq\":1,\"type\":\"page_view\",\"id\":\"e1\"}";

  private static JsonObject ack(int accepted, int duplicates) {
    return new JsonObject()
        .put("type", "ack")
        .put("seq", 1)
        .put("accepted", accepted)
        .put("duplicates", duplicates);
  }

  @Test
  void should_attribute_events_to_the_source_of_a_bearer_key_at_the_upgrade(Vertx vertx)
      throws Exception {
    start(vertx, KEYED, StreamAuth.DEFAULTS);

    StreamClient client = connect(IngestRoutes.STREAM_PATH, "Bearer k-web").send(EVENT).send(EVENT);

    assertThat(client.json(1)).isEqualTo(ack(1, 0));
    assertThat(client.json(2)).as("deduplicated as over HTTP").isEqualTo(ack(0, 1));
    assertThat(store.stored).containsOnlyKeys("web\u0000e1");
  }

  @Test
  void should_accept_a_basic_auth_write_key_at_the_upgrade(Vertx vertx) throws Exception {
    start(vertx, KEYED, StreamAuth.DEFAULTS);
    String basic =
        "Basic " + Base64.getEncoder().encodeToString("k-web:".getBytes(StandardCharsets.UTF_8));

    StreamClient client = connect(IngestRoutes.STREAM_PATH, basic).send(EVENT);

    assertThat(client.json(1)).isEqualTo(ack(1, 0));
  }

  private void assertUpgradeRefused(String authorization, int status) {
    assertThatThrownBy(() -> connect(IngestRoutes.STREAM_PATH, authorization))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(UpgradeRejectedException.class)
        .satisfies(e -> assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(status));
  }

  @Test
  void should_refuse_the_upgrade_with_401_for_an_unknown_key(Vertx vertx) throws Exception {
    start(vertx, KEYED, StreamAuth.DEFAULTS);

    assertUpgradeRefused("Bearer wrong", 401);
    assertThat(observer.rejected).containsExactly("unauthorized");
  }

  @Test
  void should_count_a_rate_limited_upgrade(Vertx vertx) throws Exception {
    start(
        vertx,
        new IngestAccess(
            WriteKeys.of(Map.of("k-web", "web")), (source, ip) -> Duration.ofSeconds(1)),
        StreamAuth.DEFAULTS);

    assertUpgradeRefused("Bearer k-web", 429);
    assertThat(observer.rejected).containsExactly("rate_limited");
  }

  @Test
  void should_authenticate_with_the_first_frame(Vertx vertx) throws Exception {
    start(vertx, KEYED, StreamAuth.DEFAULTS);

    StreamClient client =
        connect(IngestRoutes.STREAM_PATH, null)
            .send("{\"seq\":0,\"auth\":{\"writeKey\":\"k-web\"}}")
            .send(EVENT);

    assertThat(client.json(1))
        .isEqualTo(
            new JsonObject().put("type", "authenticated").put("seq", 0).put("source", "web"));
    assertThat(client.json(2)).isEqualTo(ack(1, 0));
    assertThat(store.stored).containsOnlyKeys("web\u0000e1");
  }

  @Test
  void should_refuse_events_before_authentication_and_close_after_three_failures(Vertx vertx)
      throws Exception {
    start(vertx, KEYED, StreamAuth.DEFAULTS);

    StreamClient client =
        connect(IngestRoutes.STREAM_PATH, null)
            .send(EVENT)
            .send("{\"auth\":{\"writeKey\":\"wrong\"}}")
            .send(EVENT);

    assertThat(client.json(1).getString("type")).isEqualTo("error");
    assertThat(client.json(1).getString("field")).isEqualTo("authorization");
    assertThat(client.json(1).getInteger("seq")).isEqualTo(1);
    assertThat(client.json(2))
        .isEqualTo(
            new JsonObject()
                .put("type", "error")
                .put("error", "unknown write key")
                .put("field", "auth.writeKey"));
    assertThat(client.json(3).getString("field")).isEqualTo("authorization");
    assertThat(client.closed()).isEqualTo("1008 authentication failed");
    assertThat(store.calls).isEmpty();
    assertThat(observer.rejected)
        .as("each refused frame counted once")
        .containsExactly("unauthorized", "unauthorized", "unauthorized");
  }

  @Test
  void should_close_a_socket_that_does_not_authenticate_in_time(Vertx vertx) throws Exception {
    start(vertx, KEYED, new StreamAuth(Duration.ofMillis(100), 3));

    StreamClient client = connect(IngestRoutes.STREAM_PATH, null);

    assertThat(client.closed()).isEqualTo("1008 authentication timeout");
    assertThat(observer.rejected).containsExactly("unauthorized");
  }

  @Test
  void should_answer_a_rate_limited_frame_with_an_error_and_retry_after(Vertx vertx)
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    // the upgrade passes, every frame after it is over the limit
    RateLimiter limiter =
        (source, ip) -> calls.incrementAndGet() == 1 ? null : Duration.ofMillis(2500);
    start(
        vertx,
        new IngestAccess(WriteKeys.of(Map.of("k-web", "web")), limiter),
        StreamAuth.DEFAULTS);

    StreamClient client = connect(IngestRoutes.STREAM_PATH, "Bearer k-web").send(EVENT);

    assertThat(client.json(1).getString("type")).isEqualTo("error");
    assertThat(client.json(1).getInteger("seq")).isEqualTo(1);
    assertThat(client.json(1).getInteger("retryAfter")).isEqualTo(3);
    assertThat(store.calls).isEmpty();
    assertThat(observer.rejected).containsExactly("rate_limited");
  }

  @Test
  void should_keep_open_streams_open_without_keys(Vertx vertx) throws Exception {
    start(vertx, IngestAccess.open(), StreamAuth.DEFAULTS);

    StreamClient client = connect(IngestRoutes.STREAM_PATH, null).send(EVENT);

    assertThat(client.json(1)).isEqualTo(ack(1, 0));
    assertThat(store.stored).containsOnlyKeys("api\u0000e1");
  }

  /** SockJS's raw framing over its websocket transport: {@code o}, then {@code a[...]} arrays. */
  @Test
  void should_ack_a_frame_over_the_sockjs_websocket_transport(Vertx vertx) throws Exception {
    start(vertx, KEYED, StreamAuth.DEFAULTS);

    StreamClient client = connect(StreamRoutes.SOCKJS_PATH + "/000/abcdefgh/websocket", null);
    assertThat(client.message(1)).isEqualTo("o");
    client.send(
        new JsonArray().add("{\"seq\":0,\"auth\":{\"writeKey\":\"k-web\"}}").add(EVENT).encode());

    assertThat(sockJsMessages(client.message(2)).get(0).getString("type"))
        .isEqualTo("authenticated");
    JsonObject ack =
        client.message(2).contains("\\\"ack\\\"")
            ? sockJsMessages(client.message(2)).get(1)
            : sockJsMessages(client.message(3)).get(0);
    assertThat(ack).isEqualTo(ack(1, 0));
    assertThat(store.stored).containsOnlyKeys("web\u0000e1");
  }

  @Test
  void should_ack_a_frame_over_the_sockjs_xhr_transport(Vertx vertx) throws Exception {
    start(vertx, IngestAccess.open(), StreamAuth.DEFAULTS);
    String session = StreamRoutes.SOCKJS_PATH + "/000/xhrsess1";

    HttpResponse<Buffer> open = await(client.post(port, "127.0.0.1", session + "/xhr").send());
    HttpResponse<Buffer> send =
        await(
            client
                .post(port, "127.0.0.1", session + "/xhr_send")
                .putHeader("Content-Type", "text/plain")
                .sendBuffer(Buffer.buffer(new JsonArray().add(EVENT).encode())));
    HttpResponse<Buffer> poll = await(client.post(port, "127.0.0.1", session + "/xhr").send());

    assertThat(open.bodyAsString()).isEqualTo("o\n");
    assertThat(send.statusCode()).isEqualTo(204);
    assertThat(sockJsMessages(poll.bodyAsString().trim())).containsExactly(ack(1, 0));
  }

  @Test
  void should_take_the_write_key_from_the_first_sockjs_request(Vertx vertx) throws Exception {
    start(vertx, KEYED, StreamAuth.DEFAULTS);
    String session = StreamRoutes.SOCKJS_PATH + "/000/xhrsess2";

    await(
        client
            .post(port, "127.0.0.1", session + "/xhr")
            .putHeader("Authorization", "Bearer k-web")
            .send());
    await(
        client
            .post(port, "127.0.0.1", session + "/xhr_send")
            .putHeader("Content-Type", "text/plain")
            .sendBuffer(Buffer.buffer(new JsonArray().add(EVENT).encode())));
    HttpResponse<Buffer> poll = await(client.post(port, "127.0.0.1", session + "/xhr").send());

    assertThat(sockJsMessages(poll.bodyAsString().trim())).containsExactly(ack(1, 0));
    assertThat(store.stored).containsOnlyKeys("web\u0000e1");
  }

  @Test
  void should_refuse_an_unknown_key_on_the_first_sockjs_request(Vertx vertx) throws Exception {
    start(vertx, KEYED, StreamAuth.DEFAULTS);

    StreamClient client =
        connect(StreamRoutes.SOCKJS_PATH + "/000/wssess03/websocket", "Bearer wrong");

    assertThat(client.message(1)).isEqualTo("o");
    assertThat(sockJsMessages(client.message(2)))
        .containsExactly(
            new JsonObject()
                .put("type", "error")
                .put("error", "unknown write key")
                .put("field", "authorization"));
    // Vert.x's SockJS sessions close with c[3000,"Go away!"] whatever the status asked for
    assertThat(client.message(3)).startsWith("c[");
    client.closed();
    assertThat(store.calls).isEmpty();
    assertThat(observer.rejected).containsExactly("unauthorized");
  }

  /** The stream answers inside a SockJS {@code a[...]} frame. */
  private static List<JsonObject> sockJsMessages(String frame) {
    assertThat(frame).startsWith("a[");
    List<JsonObject> messages = new ArrayList<>();
    for (Object message : new JsonArray(frame.substring(1))) {
      messages.add(new JsonObject((String) message));
    }
    return messages;
  }
}
