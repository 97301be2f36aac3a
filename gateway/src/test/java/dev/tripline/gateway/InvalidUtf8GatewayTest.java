package dev.tripline.gateway;

import static dev.tripline.gateway.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ill-formed UTF-8 inside a JSON string is refused with 400 naming the byte offset on every route
 * that reads a JSON body, instead of being parsed leniently ({@code C0 AF} read as {@code /}) and
 * stored rewritten.
 */
@ExtendWith(VertxExtension.class)
class InvalidUtf8GatewayTest {

  private static final String HOOK_SECRET = "utf8-hook-secret";
  private static final String SIGNATURE_HEADER = "X-Acme-Signature";

  /** Ill-formed sequences, each placed inside a JSON string. */
  private static final Map<String, String> SEQUENCES =
      Map.of(
          "overlong slash C0 AF", "c0af",
          "encoded surrogate ED A0 80", "eda080",
          "beyond U+10FFFF F4 90 80 80", "f4908080",
          "truncated E2 82", "e282",
          "lone continuation 80", "80");

  /** One request shape per route: the bytes before and after the ill-formed sequence. */
  private record Route(
      String name, String path, Map<String, String> headers, String before, String after) {}

  private static final String CLOUD_EVENT =
      "{\"specversion\":\"1.0\",\"id\":\"ce-1\",\"source\":\"s\",\"type\":\"t\",\"data\":{\"u\":\"";

  private static final List<Route> ROUTES =
      List.of(
          new Route(
              "events",
              "/v1/events",
              Map.of("content-type", "application/json"),
              "{\"type\":\"x\",\"userId\":\"",
              "\"}"),
          new Route(
              "cloudevents structured",
              "/v1/cloudevents",
              Map.of("content-type", "application/cloudevents+json"),
              CLOUD_EVENT,
              "\"}}"),
          new Route(
              "cloudevents batch",
              "/v1/cloudevents",
              Map.of("content-type", "application/cloudevents-batch+json"),
              "[" + CLOUD_EVENT,
              "\"}}]"),
          new Route(
              "cloudevents binary",
              "/v1/cloudevents",
              Map.of(
                  "content-type", "application/json",
                  "ce-specversion", "1.0",
                  "ce-id", "ce-2",
                  "ce-source", "s",
                  "ce-type", "t"),
              "{\"u\":\"",
              "\"}"),
          new Route(
              "segment track",
              "/v1/track",
              Map.of("content-type", "application/json"),
              "{\"event\":\"x\",\"userId\":\"",
              "\"}"),
          new Route(
              "segment batch",
              "/v1/batch",
              Map.of("content-type", "application/json"),
              "{\"batch\":[{\"type\":\"track\",\"event\":\"x\",\"userId\":\"",
              "\"}]}"),
          new Route(
              "signed webhook",
              "/hooks/acme",
              Map.of("content-type", "application/json"),
              "{\"user\":\"",
              "\"}"));

  @TempDir static Path dir;

  private static Gateway gateway;
  private static WebClient client;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    client = WebClient.create(vertx);
    gateway =
        await(
            new TestGateway(dir)
                .sources(
                    """
                    - id: acme
                      verify: {scheme: hmac, secrets: [%s], header: %s}
                      map: {type: "'ping'", userId: body.user}
                    """
                        .formatted(HOOK_SECRET, SIGNATURE_HEADER))
                .start(vertx));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      await(gateway.stop());
    }
  }

  static Stream<Arguments> routesAndSequences() {
    return ROUTES.stream()
        .flatMap(
            route ->
                SEQUENCES.entrySet().stream()
                    .map(s -> Arguments.of(route.name(), s.getKey(), route, s.getValue())));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("routesAndSequences")
  void should_refuse_ill_formed_utf8_naming_the_byte_when_inside_a_json_string(
      String routeName, String sequenceName, Route route, String hex) throws Exception {
    byte[] before = route.before().getBytes(StandardCharsets.UTF_8);
    Buffer body =
        Buffer.buffer(before).appendBytes(HexFormat.of().parseHex(hex)).appendString(route.after());

    HttpResponse<Buffer> response = await(post(route, body, sign(body)));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("error", "body: invalid UTF-8 at byte " + before.length));
  }

  static Stream<Arguments> routesAndEscapes() {
    return ROUTES.stream()
        .flatMap(
            route ->
                Stream.of("\\ud800", "\\udfff", "x\\udbff\\u0041", "\\udc00\\ud800")
                    .map(escape -> Arguments.of(route.name(), escape, route)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("routesAndEscapes")
  void should_refuse_an_unpaired_surrogate_escape_instead_of_storing_a_replacement(
      String routeName, String escape, Route route) throws Exception {
    Buffer body = Buffer.buffer(route.before() + escape + route.after());
    int at = route.before().length() + escape.indexOf('\\');

    HttpResponse<Buffer> response = await(post(route, body, sign(body)));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error"))
        .isEqualTo(
            "body: unpaired surrogate escape "
                + escape.substring(escape.indexOf('\\'), escape.indexOf('\\') + 6)
                + " at byte "
                + at
                + ": JSON strings must be Unicode text");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  void should_accept_a_surrogate_pair_escape(String routeName, Route route) throws Exception {
    Buffer body = Buffer.buffer(route.before() + "\\ud83d\\ude00 \\\\ud800" + route.after());

    HttpResponse<Buffer> response = await(post(route, body, sign(body)));

    assertThat(response.statusCode()).as(response.bodyAsString()).isBetween(200, 202);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routes")
  void should_accept_well_formed_utf8_up_to_the_last_code_point(String routeName, Route route)
      throws Exception {
    // U+07FF, U+FFFD, U+10FFFF and an emoji: the edges of each sequence length
    Buffer body =
        Buffer.buffer(route.before().getBytes(StandardCharsets.UTF_8))
            .appendBytes(HexFormat.of().parseHex("dfbfefbfbdf48fbfbff09f9880"))
            .appendString(route.after());

    HttpResponse<Buffer> response = await(post(route, body, sign(body)));

    assertThat(response.statusCode()).as(response.bodyAsString()).isBetween(200, 202);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("sequences")
  void should_check_the_signature_over_the_raw_bytes_before_the_utf8(
      String hex, String sequenceName) throws Exception {
    Route hook = ROUTES.get(ROUTES.size() - 1);
    Buffer body =
        Buffer.buffer(hook.before())
            .appendBytes(HexFormat.of().parseHex(hex))
            .appendString(hook.after());

    HttpResponse<Buffer> response = await(post(hook, body, "00" + sign(body).substring(2)));

    assertThat(response.statusCode()).isEqualTo(401);
  }

  static Stream<Arguments> routes() {
    return ROUTES.stream().map(route -> Arguments.of(route.name(), route));
  }

  static Stream<Arguments> sequences() {
    return SEQUENCES.entrySet().stream().map(s -> Arguments.of(s.getValue(), s.getKey()));
  }

  private static io.vertx.core.Future<HttpResponse<Buffer>> post(
      Route route, Buffer body, String signature) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(route.headers());
    headers.add(SIGNATURE_HEADER, signature);
    return client
        .post(gateway.httpPort(), "127.0.0.1", route.path())
        .putHeaders(headers)
        .sendBuffer(body);
  }

  /** The {@code hmac} scheme's hex HMAC-SHA256 over the raw body bytes. */
  private static String sign(Buffer body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes()));
  }
}
