package dev.tripline.gateway;

import static dev.tripline.gateway.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP server's bounds over raw TCP: a request trickled byte by byte is cut off at {@code
 * http.request-read-timeout} (408 once a body is being read), an idle keep-alive connection is
 * closed at {@code http.idle-timeout}, and past {@code http.max-connections} a new connection is
 * closed at once while the open ones keep working.
 */
@ExtendWith(io.vertx.junit5.VertxExtension.class)
class ConnectionLimitsGatewayTest {

  private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: t\r\n\r\n";

  @TempDir Path dir;

  Vertx vertx;
  Gateway gateway;
  final List<RawConnection> connections = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  @AfterEach
  void tearDown() throws Exception {
    for (RawConnection connection : connections) {
      await(connection.close());
    }
    if (gateway != null) {
      await(gateway.stop());
    }
  }

  private void start(String http) throws Exception {
    gateway = await(new TestGateway(dir).http(http).start(vertx));
  }

  private RawConnection open() throws Exception {
    RawConnection connection = await(RawConnection.open(vertx, gateway.httpPort()));
    connections.add(connection);
    return connection;
  }

  /** Writes one byte of {@code bytes} every 50 ms until they run out or the connection closes. */
  private AtomicInteger trickle(RawConnection connection, String bytes) {
    AtomicInteger sent = new AtomicInteger();
    vertx.setPeriodic(
        50,
        timer -> {
          int i = sent.get();
          if (connection.closed().isComplete() || i >= bytes.length()) {
            vertx.cancelTimer(timer);
            return;
          }
          connection.write(bytes.substring(i, i + 1));
          sent.incrementAndGet();
        });
    return sent;
  }

  @Test
  void should_close_a_connection_whose_head_trickles_in_when_the_read_timeout_passes()
      throws Exception {
    start("request-read-timeout: 400ms");
    long opened = System.nanoTime(); // before the server can have seen the connection
    RawConnection slow = open();
    await(slow.write("POST /v1/events HTTP/1.1\r\nHost: t\r\nX-Slow: "));

    AtomicInteger sent = trickle(slow, "a".repeat(1000));
    await(slow.closed());

    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
    assertThat(elapsedMs).isGreaterThanOrEqualTo(400).isLessThan(5000);
    assertThat(sent.get()).as("bytes trickled before the close").isGreaterThanOrEqualTo(4);
    assertThat(slow.text()).as("no request, no answer").isEmpty();
    assertThat(metric("tripline_http_request_timeouts_total")).isEqualTo(1.0);
  }

  @Test
  void should_answer_408_and_close_when_a_body_trickles_in_past_the_read_timeout()
      throws Exception {
    start("request-read-timeout: 400ms");
    RawConnection slow = open();
    try (LogCapture logs = new LogCapture("dev.tripline", Level.INFO)) {
      await(
          slow.write(
              "POST /v1/events HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 1000\r\n\r\n{\"type\":\""));

      trickle(slow, "a".repeat(1000));
      String response = await(slow.response());
      await(slow.closed());

      assertThat(response).startsWith("HTTP/1.1 408 ").contains("application/json");
      assertThat(response.substring(response.indexOf("\r\n\r\n") + 4))
          .isEqualTo("{\"error\":\"request timeout: the request must arrive whole within 400ms\"}");
      // the body handler then fails on the closed connection: the client's doing, not a bug
      assertThat(await(healthOnNewConnection())).startsWith("HTTP/1.1 200 ");
      assertThat(logs.events()).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }
  }

  @Test
  void should_close_an_idle_keep_alive_connection_at_the_idle_timeout() throws Exception {
    start(
        """
        idle-timeout: 300ms
        request-read-timeout: 1h
        """);
    RawConnection idle = open();
    long asked = System.nanoTime(); // before the server's last write, which the timeout counts from
    await(idle.write(HEALTH));
    assertThat(await(idle.response())).startsWith("HTTP/1.1 200 ");

    await(idle.closed());

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked))
        .isGreaterThanOrEqualTo(300);
  }

  @Test
  void should_keep_a_connection_that_sends_request_after_request() throws Exception {
    start("request-read-timeout: 300ms");
    RawConnection busy = open();

    // 1 s in all, each request 200 ms after the response before it: the deadline restarts
    for (int i = 0; i < 5; i++) {
      await(vertx.timer(200, TimeUnit.MILLISECONDS));
      await(busy.write(HEALTH));
      assertThat(await(busy.response())).startsWith("HTTP/1.1 200 ");
    }

    assertThat(busy.closed().isComplete()).isFalse();
  }

  @Test
  void should_close_the_connection_past_max_connections_while_the_others_work() throws Exception {
    start("max-connections: 3");
    List<RawConnection> admitted = List.of(open(), open(), open());
    for (RawConnection connection : admitted) {
      await(connection.write(HEALTH));
      assertThat(await(connection.response())).startsWith("HTTP/1.1 200 ");
    }

    RawConnection fourth = open();
    await(fourth.closed());

    assertThat(fourth.text()).isEmpty();
    for (RawConnection connection : admitted) {
      await(connection.write(HEALTH));
      assertThat(await(connection.response())).startsWith("HTTP/1.1 200 ");
    }
    assertThat(metric(admitted.get(0), "tripline_http_connections_refused_total")).isEqualTo(1.0);
    assertThat(metric(admitted.get(0), "tripline_http_connections_open")).isEqualTo(3.0);

    await(admitted.get(0).close());
    // once the server has seen the close, a new connection is served again
    String answer =
        await(
            Polling.until(
                vertx,
                () -> healthOnNewConnection().recover(e -> Future.succeededFuture("closed")),
                a -> a.startsWith("HTTP/1.1 200 ")));
    assertThat(answer).startsWith("HTTP/1.1 200 ");
  }

  @Test
  void should_count_a_websocket_stream_as_a_connection_until_it_closes() throws Exception {
    start("max-connections: 2");
    WebSocketClient webSockets = vertx.createWebSocketClient();
    WebSocket stream = await(webSockets.connect(gateway.httpPort(), "127.0.0.1", "/v1/stream"));
    RawConnection http = open();
    await(http.write(HEALTH));
    assertThat(await(http.response())).startsWith("HTTP/1.1 200 ");

    RawConnection third = open();
    await(third.closed());

    await(stream.close());
    String answer =
        await(
            Polling.until(
                vertx,
                () -> healthOnNewConnection().recover(e -> Future.succeededFuture("closed")),
                a -> a.startsWith("HTTP/1.1 200 ")));
    assertThat(answer).startsWith("HTTP/1.1 200 ");
    await(webSockets.close());
  }

  private Future<String> healthOnNewConnection() {
    return RawConnection.open(vertx, gateway.httpPort())
        .compose(
            connection ->
                connection
                    .write(HEALTH)
                    .compose(v -> connection.response())
                    .eventually(connection::close));
  }

  private double metric(String name) throws Exception {
    WebClient client = WebClient.create(vertx);
    try {
      Buffer body = await(client.get(gateway.httpPort(), "127.0.0.1", "/metrics").send()).body();
      return value(body.toString(), name);
    } finally {
      client.close();
    }
  }

  private double metric(RawConnection connection, String name) throws Exception {
    await(connection.write("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n"));
    return value(await(connection.response()), name);
  }

  private static double value(String scrape, String name) {
    return scrape
        .lines()
        .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
