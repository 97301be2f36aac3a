package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configured sources end to end: the shipped GitHub, Stripe and Shopify example configs (and a
 * Standard Webhooks source) with their providers' sample payloads, signed as each provider signs,
 * posted over real HTTP to a real gateway and read back from its embedded MongoDB; write keys on
 * {@code POST /v1/events}; a rate limit answering 429.
 */
@ExtendWith(VertxExtension.class)
class SourcesGatewayTest {

  private static final Path EXAMPLES = Path.of("..", "config", "sources", "examples");
  private static final String GITHUB_SECRET = "gh-webhook-secret";
  private static final String STRIPE_SECRET = "whsec_stripe_endpoint_secret";
  private static final String SHOPIFY_SECRET = "shpss_shopify_client_secret";
  private static final String SW_OLD = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SW_NEW = "whsec_dGhlLW5leHQtc2VjcmV0LWFmdGVyLXJvdGF0aW9u";
  private static final Map<String, String> ENV =
      Map.of(
          "GITHUB_WEBHOOK_SECRET", GITHUB_SECRET,
          "STRIPE_WEBHOOK_SECRET", STRIPE_SECRET,
          "SHOPIFY_CLIENT_SECRET", SHOPIFY_SECRET,
          "SW_OLD", SW_OLD,
          "SW_NEW", SW_NEW,
          "WEB_WRITE_KEY", "wk_web_test_key",
          "ACME_SECRET", "acme-secret");

  private static final String EXTRA_SOURCES =
      """
      - id: sw
        verify:
          scheme: standard-webhooks
          secrets:
            - ${SW_OLD}
            - ${SW_NEW}
      - id: acme
        verify:
          scheme: hmac
          secrets: ${ACME_SECRET}
          header: X-Acme-Signature
          encoding: base64
          prefix: "hmac-sha256="
        map: {type: body.event, id: body.delivery_id, userId: /account/id}
      - id: keyed
        verify: {scheme: api-key, secrets: [old-key, new-key], header: Authorization, prefix: "Bearer "}
        map: {type: "'ping'", id: "headers['x-request-id']"}
      - id: limited
        verify: {scheme: api-key, secrets: [k1]}
        map: {type: "'ping'"}
        rate_limit: {rate: 0.01, burst: 1}
      - id: web
        kind: api
        write_keys:
          - ${WEB_WRITE_KEY}
      """;

  @TempDir Path dir;

  Vertx vertx;
  WebClient client;
  Gateway gateway;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
    String examples =
        Files.readString(EXAMPLES.resolve("github.yaml"))
            + Files.readString(EXAMPLES.resolve("stripe.yaml"))
            + Files.readString(EXAMPLES.resolve("shopify.yaml"));
    gateway = await(new TestGateway(dir).sources(examples + EXTRA_SOURCES).env(ENV).start(vertx));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      await(gateway.stop());
    }
  }

  @Test
  void should_store_github_deliveries_once_and_reject_bad_signatures() throws Exception {
    String push = sample("github-push.json");
    String opened = sample("github-pull-request-opened.json");

    assertAccepted(hook("github", push, github("push", "d-100", sign(GITHUB_SECRET, push))), 1, 0);
    assertAccepted(
        hook("github", opened, github("pull_request", "d-101", sign(GITHUB_SECRET, opened))), 1, 0);
    assertAccepted(
        hook("github", push, github("push", "d-100", sign(GITHUB_SECRET, push))),
        0,
        1); // a redelivery: same X-GitHub-Delivery

    assertRejected(
        hook("github", push, github("push", "d-102", sign("not the secret", push))),
        "signature mismatch");
    assertRejected(
        hook("github", push + " ", github("push", "d-103", sign(GITHUB_SECRET, push))),
        "signature mismatch");
    assertRejected(
        hook("github", push, github("push", "d-104", null)), "missing header x-hub-signature-256");

    List<JsonObject> events = stored("github");
    assertThat(events).extracting(e -> e.getString("id")).containsExactly("d-100", "d-101");
    JsonObject first = events.get(0);
    assertThat(first.getString("type")).isEqualTo("push");
    assertThat(first.getString("userId")).isEqualTo("Codertocat");
    assertThat(first.getString("ip")).isEqualTo("127.0.0.1");
    assertThat(first.getJsonObject("properties").getString("ref"))
        .isEqualTo("refs/tags/simple-tag");
    assertThat(first.getJsonObject("context"))
        .isEqualTo(new JsonObject("{\"github\":{\"hookId\":\"292430182\"}}"));
    assertThat(events.get(1).getString("type")).isEqualTo("pull_request.opened");

    String metrics =
        await(client.get(gateway.httpPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
    assertThat(metrics)
        .contains(
            "tripline_hooks_verification_failures_total{reason=\"signature_mismatch\",source=\"github\"} 2.0",
            "tripline_hooks_verification_failures_total{reason=\"missing_header\",source=\"github\"} 1.0");
  }

  @Test
  void should_store_a_stripe_event_by_its_id_and_reject_a_stale_timestamp() throws Exception {
    String event = sample("stripe-payment-intent-succeeded.json");
    long now = Instant.now().getEpochSecond();

    assertAccepted(hook("stripe", event, stripe(now, event, STRIPE_SECRET)), 1, 0);
    // Stripe retries the same event (same id) with a fresh timestamp and signature
    assertAccepted(hook("stripe", event, stripe(now + 1, event, STRIPE_SECRET)), 0, 1);
    assertRejected(
        hook("stripe", event, stripe(now - 600, event, STRIPE_SECRET)),
        "timestamp outside tolerance of 300s");
    assertRejected(hook("stripe", event, stripe(now, event, "whsec_other")), "signature mismatch");
    assertRejected(
        hook("stripe", event.replace("2000", "20"), stripe(now, event, STRIPE_SECRET)),
        "signature mismatch");
    assertRejected(hook("stripe", event, json()), "missing header stripe-signature");

    JsonObject stored = stored("stripe").get(0);
    assertThat(stored.getString("id")).isEqualTo("evt_3MtwBwLkdIwHu7ix28a3tqPa");
    assertThat(stored.getString("type")).isEqualTo("payment_intent.succeeded");
    assertThat(stored.getString("userId")).isEqualTo("cus_NffrFeUfNV2Hib");
    assertThat(stored.getJsonObject("timestamp").getString("$date"))
        .startsWith("2023-03-29T04:27:08");
    assertThat(stored.getJsonObject("properties").getLong("amount")).isEqualTo(2000L);
    assertThat(stored.getJsonObject("context"))
        .isEqualTo(
            new JsonObject("{\"stripe\":{\"livemode\":false,\"apiVersion\":\"2022-11-15\"}}"));
  }

  @Test
  void should_store_a_shopify_order_by_its_webhook_id() throws Exception {
    String order = sample("shopify-orders-create.json");
    MultiMap headers =
        json()
            .add("X-Shopify-Topic", "orders/create")
            .add("X-Shopify-Hmac-Sha256", base64(SHOPIFY_SECRET, order))
            .add("X-Shopify-Shop-Domain", "example.myshopify.com")
            .add("X-Shopify-Api-Version", "2024-07")
            .add("X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
            .add("X-Shopify-Triggered-At", "2023-03-29T18:00:27.877041743Z")
            .add("X-Shopify-Event-Id", "98880550-7158-44d4-b7cd-2c97c8a091b5");

    assertAccepted(hook("shopify", order, headers), 1, 0);
    assertAccepted(hook("shopify", order, headers), 0, 1);
    assertRejected(hook("shopify", order.replace("403.00", "4.03"), headers), "signature mismatch");
    assertRejected(
        hook(
            "shopify",
            order,
            MultiMap.caseInsensitiveMultiMap()
                .addAll(headers)
                .set("X-Shopify-Hmac-Sha256", base64("another secret", order))),
        "signature mismatch");
    assertRejected(
        hook(
            "shopify",
            order,
            MultiMap.caseInsensitiveMultiMap().addAll(headers).remove("X-Shopify-Hmac-Sha256")),
        "missing header x-shopify-hmac-sha256");

    JsonObject stored = stored("shopify").get(0);
    assertThat(stored.getString("id")).isEqualTo("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
    assertThat(stored.getString("type")).isEqualTo("orders/create");
    assertThat(stored.getString("userId")).isEqualTo("115310627314723954");
    assertThat(stored.getJsonObject("timestamp").getString("$date"))
        .startsWith("2023-03-29T18:00:27.877");
    assertThat(stored.getJsonObject("properties").getString("total_price")).isEqualTo("403.00");
    assertThat(stored.getJsonObject("context"))
        .isEqualTo(new JsonObject("{\"shopify\":{\"shop\":\"example.myshopify.com\"}}"));
  }

  @Test
  void should_verify_standard_webhooks_with_either_secret_while_rotating() throws Exception {
    String body =
        "{\"type\":\"user.created\",\"timestamp\":\"2026-11-23T10:00:00Z\","
            + "\"data\":{\"id\":\"u_1\",\"email\":\"jo@example.com\"}}";
    long now = Instant.now().getEpochSecond();

    assertAccepted(hook("sw", body, standard("msg_1", now, body, SW_OLD)), 1, 0);
    assertAccepted(hook("sw", body, standard("msg_2", now, body, SW_NEW)), 1, 0);
    assertAccepted(hook("sw", body, standard("msg_2", now + 5, body, SW_NEW)), 0, 1);
    assertRejected(
        hook("sw", body.replace("jo@", "eve@"), standard("msg_5", now, body, SW_NEW)),
        "signature mismatch");
    assertRejected(
        hook("sw", body, standard("msg_6", now, body, SW_NEW).remove("webhook-signature")),
        "missing header webhook-signature");
    assertRejected(
        hook("sw", body, standard("msg_3", now - 301, body, SW_NEW)),
        "timestamp outside tolerance of 300s");
    assertRejected(
        hook("sw", body, standard("msg_4", now, body, "whsec_QUFBQUFBQUFBQUFBQUFBQQ==")),
        "signature mismatch");

    List<JsonObject> events = stored("sw");
    assertThat(events).extracting(e -> e.getString("id")).containsExactly("msg_1", "msg_2");
    assertThat(events).extracting(e -> e.getString("type")).containsOnly("user.created");
  }

  @Test
  void should_verify_a_generic_hmac_source_and_dedup_by_its_mapped_delivery_id() throws Exception {
    String body =
        "{\"event\":\"invoice.created\",\"delivery_id\":\"dlv_1\",\"account\":{\"id\":42}}";
    MultiMap signed = json().add("X-Acme-Signature", "hmac-sha256=" + base64("acme-secret", body));

    assertAccepted(hook("acme", body, signed), 1, 0);
    assertAccepted(hook("acme", body, signed), 0, 1);
    assertRejected(
        hook("acme", body, json().add("X-Acme-Signature", "hmac-sha256=" + base64("other", body))),
        "signature mismatch");
    assertRejected(hook("acme", body.replace("42", "43"), signed), "signature mismatch");
    assertRejected(hook("acme", body, json()), "missing header x-acme-signature");

    List<JsonObject> events = stored("acme");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getString("id")).isEqualTo("dlv_1");
    assertThat(events.get(0).getString("type")).isEqualTo("invoice.created");
    assertThat(events.get(0).getString("userId")).isEqualTo("42");
  }

  @Test
  void should_accept_either_api_key_while_rotating_and_nothing_else() throws Exception {
    assertAccepted(
        hook(
            "keyed", "{}", json().add("Authorization", "Bearer old-key").add("X-Request-Id", "r1")),
        1,
        0);
    assertAccepted(
        hook(
            "keyed", "{}", json().add("Authorization", "Bearer new-key").add("X-Request-Id", "r2")),
        1,
        0);
    assertRejected(
        hook("keyed", "{}", json().add("Authorization", "Bearer wrong").add("X-Request-Id", "r3")),
        "api key mismatch");
    assertRejected(
        hook("keyed", "{}", json().add("X-Request-Id", "r4")), "missing header authorization");
    assertThat(stored("keyed")).extracting(e -> e.getString("id")).containsExactly("r1", "r2");
  }

  @Test
  void should_require_a_write_key_on_v1_events_and_attribute_to_its_source() throws Exception {
    String event = "{\"type\":\"signup\",\"id\":\"e-1\"}";
    HttpResponse<Buffer> anonymous =
        await(
            client
                .post(gateway.httpPort(), "127.0.0.1", "/v1/events")
                .putHeader("content-type", "application/json")
                .sendBuffer(Buffer.buffer(event)));
    assertThat(anonymous.statusCode()).isEqualTo(401);

    HttpResponse<Buffer> keyed =
        await(
            client
                .post(gateway.httpPort(), "127.0.0.1", "/v1/events")
                .putHeader("content-type", "application/json")
                .basicAuthentication("wk_web_test_key", "")
                .sendBuffer(Buffer.buffer(event)));
    assertThat(keyed.statusCode()).isEqualTo(202);
    assertThat(stored("web")).extracting(e -> e.getString("id")).containsExactly("e-1");
  }

  @Test
  void should_answer_429_with_retry_after_past_a_sources_rate() throws Exception {
    MultiMap headers = json().add("X-Api-Key", "k1");
    assertAccepted(hook("limited", "{}", headers), 1, 0);

    HttpResponse<Buffer> limited = await(hook("limited", "{}", headers));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.getHeader("Retry-After")).isEqualTo("100");
    assertThat(limited.bodyAsJsonObject().getString("error"))
        .isEqualTo("rate limit exceeded for source limited");
    String metrics =
        await(client.get(gateway.httpPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
    assertThat(metrics)
        .contains("tripline_ingest_rate_limited_total{scope=\"source\",source=\"limited\"} 1.0");
  }

  // --- helpers ---------------------------------------------------------------------------

  private Future<HttpResponse<Buffer>> hook(String source, String body, MultiMap headers) {
    return client
        .post(gateway.httpPort(), "127.0.0.1", "/hooks/" + source)
        .putHeaders(headers)
        .sendBuffer(Buffer.buffer(body));
  }

  private static void assertAccepted(
      Future<HttpResponse<Buffer>> response, int accepted, int duplicates) throws Exception {
    HttpResponse<Buffer> r = await(response);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    assertThat(r.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("accepted", accepted).put("duplicates", duplicates));
  }

  private static void assertRejected(Future<HttpResponse<Buffer>> response, String error)
      throws Exception {
    HttpResponse<Buffer> r = await(response);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo(error);
  }

  private List<JsonObject> stored(String source) throws Exception {
    MongoClient mongo = TestGateway.mongo(vertx, gateway);
    try {
      return await(
          mongo.findWithOptions(
              "events",
              new JsonObject().put("source", source),
              new FindOptions().setSort(new JsonObject().put("id", 1))));
    } finally {
      await(mongo.close());
    }
  }

  private static MultiMap json() {
    return MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
  }

  private static MultiMap github(String event, String delivery, String signature) {
    MultiMap headers =
        json()
            .add("User-Agent", "GitHub-Hookshot/044aadd")
            .add("X-GitHub-Event", event)
            .add("X-GitHub-Delivery", delivery)
            .add("X-GitHub-Hook-ID", "292430182")
            .add("X-GitHub-Hook-Installation-Target-Type", "repository");
    if (signature != null) {
      headers.add("X-Hub-Signature-256", signature);
    }
    return headers;
  }

  private static MultiMap stripe(long t, String body, String secret) {
    return json()
        .add("Stripe-Signature", "t=" + t + ",v1=" + hex(secret, t + "." + body) + ",v0=00");
  }

  private static MultiMap standard(String id, long t, String body, String whsec) {
    byte[] key = Base64.getDecoder().decode(whsec.substring("whsec_".length()));
    String signature =
        "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + t + "." + body));
    return json()
        .add("webhook-id", id)
        .add("webhook-timestamp", Long.toString(t))
        .add("webhook-signature", signature);
  }

  private static String sign(String secret, String body) {
    return "sha256=" + hex(secret, body);
  }

  private static String hex(String secret, String content) {
    return HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), content));
  }

  private static String base64(String secret, String content) {
    return Base64.getEncoder()
        .encodeToString(hmac(secret.getBytes(StandardCharsets.UTF_8), content));
  }

  private static byte[] hmac(byte[] key, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sample(String name) throws IOException {
    try (InputStream in = SourcesGatewayTest.class.getResourceAsStream("/hooks/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
