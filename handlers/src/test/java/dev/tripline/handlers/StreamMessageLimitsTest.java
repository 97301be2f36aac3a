package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@code /v1/stream} does with a message it cannot take, in one frame or in fragments: over
 * {@code ingest.max-body-size} it closes with 1009, text that is not UTF-8 with 1007 (RFC 6455
 * §7.4.1, §8.1); nothing of either is stored or answered. And what SockJS's transports make of a
 * message over the limit.
 */
@ExtendWith(VertxExtension.class)
class StreamMessageLimitsTest {

  private static final int LIMIT = TestServers.LIMITS.maxBodyBytes();

  private FakeIngestService store;
  private RecordingObserver observer;
  private HttpServer server;
  private WebSocketClient wsClient;

  private void start(Vertx vertx, IngestLimits limits) throws Exception {
    store = new FakeIngestService();
    observer = new RecordingObserver();
    wsClient = vertx.createWebSocketClient();
    server =
        StreamClient.await(
            TestServers.listen(vertx, store, limits, ClientIpResolver.direct(), observer));
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      StreamClient.await(server.close());
    }
  }

  private StreamClient connect(Vertx vertx) throws Exception {
    start(vertx, TestServers.LIMITS);
    return StreamClient.connect(wsClient, server.actualPort(), IngestRoutes.STREAM_PATH, null);
  }

  /** An event message of exactly {@code bytes} bytes, padded in a property. */
  private static String eventOf(int bytes) {
    String head = "{\"seq\":1,\"type\":\"t\",\"properties\":{\"pad\":\"";
    String tail = "\"}}";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }

  private static Buffer bytes(String text) {
    return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A text frame with any payload: the public factory takes a String, which is always valid UTF-8.
   */
  private static WebSocketFrame rawTextFrame(byte[] payload, boolean last) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, payload, last);
  }

  private static final String TOO_BIG = "1009 message larger than " + LIMIT + " bytes";
  private static final String NOT_UTF8 = "1007 text message is not valid UTF-8";

  @Test
  void should_close_with_1009_when_a_single_frame_message_is_over_the_limit(Vertx vertx)
      throws Exception {
    StreamClient client = connect(vertx).send(eventOf(LIMIT + 1));

    assertThat(client.closed()).isEqualTo(TOO_BIG);
    assertThat(client.messages()).isEmpty();
    assertThat(store.calls).isEmpty();
    assertThat(observer.rejected).containsExactly("too_large");
  }

  @Test
  void should_close_with_1009_when_fragments_add_up_to_more_than_the_limit(Vertx vertx)
      throws Exception {
    String message = eventOf(LIMIT + 1);
    int third = message.length() / 3;

    StreamClient client =
        connect(vertx)
            .sendFrame(WebSocketFrame.textFrame(message.substring(0, third), false))
            .sendFrame(
                WebSocketFrame.continuationFrame(bytes(message.substring(third, 2 * third)), false))
            .sendFrame(WebSocketFrame.continuationFrame(bytes(message.substring(2 * third)), true))
            .send("{\"seq\":2,\"type\":\"t\"}");

    assertThat(client.closed()).isEqualTo(TOO_BIG);
    assertThat(client.messages()).as("neither message answered").isEmpty();
    assertThat(store.calls).isEmpty();
    assertThat(observer.rejected).containsExactly("too_large");
  }

  @Test
  void should_close_with_1009_when_a_fragmented_binary_message_is_over_the_limit(Vertx vertx)
      throws Exception {
    StreamClient client =
        connect(vertx)
            .sendFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[LIMIT]), false))
            .sendFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[1]), true));

    assertThat(client.closed()).isEqualTo(TOO_BIG);
    assertThat(client.messages()).isEmpty();
  }

  @Test
  void should_ack_a_message_of_exactly_the_limit_in_fragments(Vertx vertx) throws Exception {
    String message = eventOf(LIMIT);
    int half = message.length() / 2;

    StreamClient client =
        connect(vertx)
            .sendFrame(WebSocketFrame.textFrame(message.substring(0, half), false))
            .sendFrame(WebSocketFrame.continuationFrame(bytes(message.substring(half)), true));

    assertThat(client.json(1)).isEqualTo(ack(1));
    assertThat(store.stored).hasSize(1);
  }

  @Test
  void should_take_a_single_frame_as_large_as_the_limit_when_it_exceeds_64_kib(Vertx vertx)
      throws Exception {
    // a browser sends each message as one frame: the frame limit must not be below the message's
    int limit = 128 * 1024;
    start(vertx, TestServers.LIMITS.withMaxBodyBytes(limit));
    StreamClient client =
        StreamClient.connect(wsClient, server.actualPort(), IngestRoutes.STREAM_PATH, null)
            // writeTextMessage would split it into 64 KiB frames
            .sendFrame(WebSocketFrame.textFrame(eventOf(limit), true));

    assertThat(client.json(1)).isEqualTo(ack(1));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "overlong encoding of '/', c0af",
    "encoded surrogate U+D800, eda080",
    "beyond U+10FFFF, f4908080",
    "truncated at the end, e282"
  })
  void should_close_with_1007_when_a_text_frame_is_not_utf8(String what, String hex, Vertx vertx)
      throws Exception {
    byte[] message =
        Buffer.buffer("{\"type\":\"")
            .appendBytes(HexFormat.of().parseHex(hex))
            .appendString(hex.equals("e282") ? "" : "\"}")
            .getBytes();

    StreamClient client = connect(vertx).sendFrame(rawTextFrame(message, true));

    assertThat(client.closed()).isEqualTo(NOT_UTF8);
    assertThat(client.messages()).isEmpty();
    assertThat(store.calls).isEmpty();
    assertThat(observer.rejected).containsExactly("malformed_json");
  }

  @Test
  void should_close_with_1007_when_a_continuation_frame_is_not_utf8(Vertx vertx) throws Exception {
    StreamClient client =
        connect(vertx)
            .sendFrame(WebSocketFrame.textFrame("{\"type\":\"", false))
            .sendFrame(
                WebSocketFrame.continuationFrame(
                    Buffer.buffer(HexFormat.of().parseHex("c0af")).appendString("\"}"), true));

    assertThat(client.closed()).isEqualTo(NOT_UTF8);
    assertThat(store.calls).isEmpty();
  }

  @Test
  void should_close_with_1002_when_a_continuation_frame_starts_no_message(Vertx vertx)
      throws Exception {
    StreamClient client =
        connect(vertx).sendFrame(WebSocketFrame.continuationFrame(bytes("{}"), true));

    assertThat(client.closed()).startsWith("1002 ");
    assertThat(store.calls).isEmpty();
  }

  @Test
  void should_decode_a_character_split_across_fragments(Vertx vertx) throws Exception {
    byte[] message = "{\"seq\":1,\"type\":\"café\"}".getBytes(StandardCharsets.UTF_8);
    int split = "{\"seq\":1,\"type\":\"caf".length() + 1; // between the two bytes of é
    byte[] first = Arrays.copyOfRange(message, 0, split);
    byte[] rest = Arrays.copyOfRange(message, split, message.length);

    StreamClient client =
        connect(vertx)
            .sendFrame(rawTextFrame(first, false))
            .sendFrame(WebSocketFrame.continuationFrame(Buffer.buffer(rest), true));

    assertThat(client.json(1)).isEqualTo(ack(1));
    assertThat(store.stored.values())
        .singleElement()
        .satisfies(e -> assertThat(e.type()).isEqualTo("café"));
  }

  private StreamClient connectSockJs(Vertx vertx, String transport) throws Exception {
    start(vertx, TestServers.LIMITS);
    return StreamClient.connect(
        wsClient, server.actualPort(), StreamRoutes.SOCKJS_PATH + transport, null);
  }

  @Test
  void should_close_the_raw_sockjs_websocket_with_1009_when_a_message_is_over_the_limit(Vertx vertx)
      throws Exception {
    StreamClient single = connectSockJs(vertx, "/websocket").send(eventOf(LIMIT + 1));
    String message = eventOf(LIMIT + 1);
    StreamClient fragmented =
        StreamClient.connect(
                wsClient, server.actualPort(), StreamRoutes.SOCKJS_PATH + "/websocket", null)
            .sendFrame(WebSocketFrame.textFrame(message.substring(0, 3000), false))
            .sendFrame(WebSocketFrame.continuationFrame(bytes(message.substring(3000)), true));

    assertThat(single.closed()).isEqualTo(TOO_BIG);
    assertThat(fragmented.closed()).isEqualTo(TOO_BIG);
    assertThat(store.calls).isEmpty();
  }

  /**
   * The SockJS WebSocket transport ends the session itself, before the stream hears of it, and
   * without SockJS's close frame: the client sees the connection end (sockjs-client reports 1006).
   */
  @Test
  void should_end_the_sockjs_websocket_session_when_a_message_is_over_the_limit(Vertx vertx)
      throws Exception {
    String message = new JsonArray().add(eventOf(LIMIT)).encode();
    StreamClient single = connectSockJs(vertx, "/000/single01/websocket");
    assertThat(single.message(1)).isEqualTo("o");
    StreamClient fragmented =
        StreamClient.connect(
            wsClient,
            server.actualPort(),
            StreamRoutes.SOCKJS_PATH + "/000/fragmnt1/websocket",
            null);
    assertThat(fragmented.message(1)).isEqualTo("o");

    single.send(message);
    fragmented
        .sendFrame(WebSocketFrame.textFrame(message.substring(0, 3000), false))
        .sendFrame(WebSocketFrame.continuationFrame(bytes(message.substring(3000)), true));

    assertThat(single.closed()).as("the connection is dropped").startsWith("1006");
    assertThat(fragmented.closed()).as("rather than left open").startsWith("1000");
    assertThat(single.messages()).containsExactly("o");
    assertThat(fragmented.messages()).containsExactly("o");
    assertThat(store.calls).isEmpty();
  }

  @Test
  void should_answer_413_to_a_sockjs_xhr_send_over_the_limit(Vertx vertx) throws Exception {
    start(vertx, TestServers.LIMITS);
    WebClient web = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
    String session = StreamRoutes.SOCKJS_PATH + "/000/xhrlimit";
    StreamClient.await(web.post(server.actualPort(), "127.0.0.1", session + "/xhr").send());

    HttpResponse<Buffer> send =
        StreamClient.await(
            web.post(server.actualPort(), "127.0.0.1", session + "/xhr_send")
                .putHeader("Content-Type", "text/plain")
                .sendBuffer(Buffer.buffer(new JsonArray().add(eventOf(LIMIT)).encode())));

    assertThat(send.statusCode()).isEqualTo(413);
    assertThat(send.bodyAsJsonObject().containsKey("error")).isTrue();
    assertThat(store.calls).isEmpty();
  }

  private static JsonObject ack(int accepted) {
    return new JsonObject()
        .put("type", "ack")
        .put("seq", 1)
        .put("accepted", accepted)
        .put("duplicates", 0);
  }
}
