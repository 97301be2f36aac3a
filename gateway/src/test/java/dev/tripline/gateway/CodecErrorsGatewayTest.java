package dev.tripline.gateway;

import static dev.tripline.gateway.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the HTTP codec refuses, over raw TCP: the documented JSON error with the right status, one
 * rate-limited WARN line without a stack trace for a repeated bad chunk, and control characters of
 * client-controlled text escaped in log lines.
 */
@ExtendWith(VertxExtension.class)
class CodecErrorsGatewayTest {

  private static final String BAD_CHUNK =
      "POST /v1/events HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";

  @TempDir Path dir;

  Vertx vertx;
  Gateway gateway;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    gateway = await(new TestGateway(dir).start(vertx));
  }

  @AfterEach
  void tearDown() throws Exception {
    await(gateway.stop());
  }

  /** Sends {@code request} on a new connection; the response, and the connection closed. */
  private String exchange(String request) throws Exception {
    RawConnection connection = await(RawConnection.open(vertx, gateway.httpPort()));
    await(connection.write(request));
    await(connection.closed());
    return connection.text();
  }

  @Test
  void should_answer_400_as_json_to_an_http_1_1_request_without_host() throws Exception {
    RawConnection connection = await(RawConnection.open(vertx, gateway.httpPort()));
    await(
        connection.write(
            "POST /v1/events HTTP/1.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 14\r\n\r\n{\"type\":\"x\"}"));
    String response = await(connection.response());
    await(connection.close());

    assertThat(response).startsWith("HTTP/1.1 400 ");
    assertThat(response.substring(response.indexOf("\r\n\r\n") + 4))
        .isEqualTo("{\"error\":\"For HTTP/1.x requests, the 'Host' header is required\"}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "request line too long | 414 | {\"error\":\"request line too long: must be at most 4096"
            + " bytes\"}",
        "headers too large     | 431 | {\"error\":\"headers too large: must be at most 8192"
            + " bytes\"}",
        "bad Content-Length    | 400 | {\"error\":\"Content-Length: must be one non-negative"
            + " integer\",\"field\":\"Content-Length\"}",
        "two Content-Lengths   | 400 | {\"error\":\"Content-Length: must be one non-negative"
            + " integer\",\"field\":\"Content-Length\"}",
        "no request line       | 400 | {\"error\":\"malformed request: the request line or a"
            + " header cannot be parsed\"}",
        "header without colon  | 400 | {\"error\":\"malformed request: the request line or a"
            + " header cannot be parsed\"}",
      })
  void should_answer_the_codec_refusal_as_a_json_error_and_close(
      String name, int status, String body) throws Exception {
    String request =
        switch (name) {
          case "request line too long" ->
              "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: t\r\n\r\n";
          case "headers too large" ->
              "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n";
          case "bad Content-Length" ->
              "POST /v1/events HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n";
          case "two Content-Lengths" ->
              "POST /v1/events HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}";
          case "no request line" -> "\r\n\r\n\r\nGARBAGE\r\n\r\n";
          case "header without colon" -> "GET / HTTP/1.1\r\nHost: t\r\nNoColonHere\r\n\r\n";
          default -> throw new IllegalArgumentException(name);
        };

    String response = exchange(request);

    assertThat(response).matches("(?s)HTTP/1\\.[01] " + status + " .*");
    assertThat(response.toLowerCase()).contains("content-type: application/json");
    assertThat(new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4)))
        .isEqualTo(new JsonObject(body));
  }

  @Test
  void should_log_one_warn_line_without_stack_trace_for_repeated_bad_chunks() throws Exception {
    try (LogCapture logs = new LogCapture("dev.tripline", Level.INFO)) {
      for (int i = 0; i < 5; i++) {
        exchange(BAD_CHUNK);
      }

      List<ILoggingEvent> tripline =
          logs.events().stream().filter(e -> e.getLoggerName().startsWith("dev.tripline")).toList();
      assertThat(tripline)
          .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .singleElement()
          .satisfies(
              warn -> {
                assertThat(warn.getLevel()).isEqualTo(Level.WARN);
                assertThat(warn.getFormattedMessage())
                    .startsWith("refuse malformed request [client: 127.0.0.1, error: ")
                    .contains("chunk size");
                assertThat(warn.getThrowableProxy()).isNull();
              });
      assertThat(logs.events()).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
    }
    // the gateway keeps serving, and counted every one
    String scrape = exchange("GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assertThat(scrape).contains("tripline_http_malformed_requests_total{reason=\"malformed\"} 5.0");
  }

  @Test
  void should_escape_control_characters_of_client_text_in_log_lines() throws Exception {
    try (LogCapture logs = new LogCapture("dev.tripline", Level.DEBUG)) {
      String notFound =
          exchange("GET /\u001b[31mred\u0007 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
      String badLength =
          exchange("POST /v1/events HTTP/1.1\r\nHost: t\r\nContent-Length: 1\u001b[2J\r\n\r\n");

      assertThat(notFound).startsWith("HTTP/1.1 404 ");
      assertThat(badLength).startsWith("HTTP/1.1 400 ");
      List<String> lines = logs.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(lines)
          .anySatisfy(line -> assertThat(line).contains("path: /\\u001b[31mred\\u0007"))
          .anySatisfy(
              line -> assertThat(line).contains("refuse malformed request").contains("\\u001b[2J"))
          .noneSatisfy(line -> assertThat(line).contains("\u001b"));
    }
  }
}
