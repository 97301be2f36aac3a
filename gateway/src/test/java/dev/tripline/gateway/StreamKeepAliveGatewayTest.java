package dev.tripline.gateway;

import static dev.tripline.gateway.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quiet {@code /v1/stream} client (a browser cannot send pings of its own) outlives {@code
 * http.idle-timeout}: the gateway pings every open stream at half the timeout, and the ping and the
 * client's pong are the traffic the timeout looks for. A client that answers nothing, not even the
 * pings, is gone, and its socket is closed.
 */
@ExtendWith(io.vertx.junit5.VertxExtension.class)
class StreamKeepAliveGatewayTest {

  @TempDir Path dir;

  Gateway gateway;
  WebSocketClient client;

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      await(client.close());
    }
    if (gateway != null) {
      await(gateway.stop());
    }
  }

  @Test
  void should_keep_a_quiet_stream_open_past_the_idle_timeout(Vertx vertx) throws Exception {
    gateway =
        await(
            new TestGateway(dir)
                .http(
                    """
                    idle-timeout: 400ms
                    request-read-timeout: 1h
                    """)
                .start(vertx));
    client = vertx.createWebSocketClient();
    long opened = System.nanoTime();
    WebSocket ws = await(client.connect(gateway.httpPort(), "127.0.0.1", "/v1/stream"));
    AtomicInteger pings = new AtomicInteger();
    Promise<Void> threePings = Promise.promise();
    Promise<String> answer = Promise.promise();
    ws.frameHandler(
        frame -> {
          if (frame.type() == WebSocketFrameType.PING && pings.incrementAndGet() == 3) {
            threePings.tryComplete();
          } else if (frame.isText()) {
            answer.tryComplete(frame.textData());
          }
        });
    ws.closeHandler(v -> threePings.tryFail("closed after " + pings.get() + " pings"));

    await(threePings.future());
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened))
        .as("quiet for longer than the idle timeout")
        .isGreaterThan(Duration.ofMillis(400).toMillis());

    ws.writeTextMessage(new JsonObject().put("type", "quiet").put("seq", 1).encode());
    assertThat(new JsonObject(await(answer.future())))
        .isEqualTo(
            new JsonObject()
                .put("type", "ack")
                .put("seq", 1)
                .put("accepted", 1)
                .put("duplicates", 0));
  }

  @Test
  void should_close_a_stream_whose_client_answers_no_ping(Vertx vertx) throws Exception {
    gateway =
        await(
            new TestGateway(dir)
                .http(
                    """
                    idle-timeout: 400ms
                    request-read-timeout: 1h
                    """)
                .start(vertx));
    // a raw client: it upgrades, then never reads a frame nor sends one, so no pong either
    RawConnection silent = await(RawConnection.open(vertx, gateway.httpPort()));
    await(
        silent.write(
            "GET /v1/stream HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));

    await(silent.closed());

    assertThat(silent.text()).startsWith("HTTP/1.1 101 ").contains("keep-alive: no answer to ping");
  }
}
