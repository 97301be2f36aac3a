package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.handlers.access.RateLimit;
import dev.tripline.handlers.access.TokenBucketRateLimiter;
import dev.tripline.handlers.access.WriteKeys;
import dev.tripline.handlers.hooks.EventMapping;
import dev.tripline.handlers.hooks.HmacVerifier;
import dev.tripline.handlers.hooks.HookSource;
import dev.tripline.handlers.hooks.Scheme;
import dev.tripline.handlers.hooks.StandardWebhooksVerifier;
import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /hooks/{source}} and write keys on {@code POST /v1/events}, over real HTTP. */
@ExtendWith(VertxExtension.class)
class HooksHandlerTest {

  private static final String SECRET = "It's a Secret to Everybody";
  private static final String STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String PUSH =
      "{\"ref\":\"refs/heads/main\",\"sender\":{\"login\":\"octocat\"}}";

  private FakeIngestService store;
  private RecordingObserver observer;
  private WebClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext tc) {
    store = new FakeIngestService();
    observer = new RecordingObserver();
    client = WebClient.create(vertx);
    HookSource github =
        new HookSource(
            "github",
            Scheme.GITHUB,
            HmacVerifier.github(List.of(SECRET)),
            EventMapping.of(
                Scheme.GITHUB,
                Map.of("userId", EventMapping.Value.compile("userId", "/sender/login"))),
            256);
    HookSource limited =
        new HookSource(
            "limited",
            Scheme.GITHUB,
            HmacVerifier.github(List.of(SECRET)),
            EventMapping.of(Scheme.GITHUB, Map.of()),
            4096);
    HookSource standard =
        new HookSource(
            "standard",
            Scheme.STANDARD_WEBHOOKS,
            new StandardWebhooksVerifier(List.of(STANDARD_SECRET), Duration.ofMinutes(5)),
            EventMapping.of(Scheme.STANDARD_WEBHOOKS, Map.of()),
            4096);
    IngestAccess access =
        new IngestAccess(
            WriteKeys.of(Map.of("wk_web", "web")),
            new TokenBucketRateLimiter(
                Map.of("limited", new RateLimit(0.1, 1)),
                Optional.empty(),
                100,
                InstantSource.fixed(TestServers.NOW),
                observer));
    TestServers.listen(
            vertx,
            store,
            TestServers.LIMITS,
            ClientIpResolver.direct(),
            observer,
            access,
            List.of(github, limited, standard))
        .onComplete(
            tc.succeeding(
                server -> {
                  port = server.actualPort();
                  tc.completeNow();
                }));
  }

  private static String sign(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256="
          + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Standard Webhooks {@code v1,} signature of {@code id.timestamp.body}. */
  private static String standardSignature(String id, long timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(StandardWebhooksVerifier.decodeSecret(STANDARD_SECRET), "HmacSHA256"));
      byte[] signed =
          mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(signed);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Future<HttpResponse<Buffer>> hook(String source, String body, MultiMap headers) {
    return client
        .post(port, "127.0.0.1", "/hooks/" + source)
        .putHeaders(headers)
        .sendBuffer(Buffer.buffer(body));
  }

  private static MultiMap signed(String body, String delivery) {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json")
        .add("X-GitHub-Event", "push")
        .add("X-GitHub-Delivery", delivery)
        .add("X-Hub-Signature-256", sign(body));
  }

  private static JsonObject counts(int accepted, int duplicates) {
    return new JsonObject().put("accepted", accepted).put("duplicates", duplicates);
  }

  @Test
  void should_store_a_verified_delivery_once_and_count_its_retry_as_a_duplicate(
      VertxTestContext tc) {
    hook("github", PUSH, signed(PUSH, "d-1"))
        .compose(
            first -> {
              tc.verify(
                  () -> {
                    assertThat(first.statusCode()).isEqualTo(202);
                    assertThat(first.bodyAsJsonObject()).isEqualTo(counts(1, 0));
                  });
              return hook("github", PUSH, signed(PUSH, "d-1"));
            })
        .onComplete(
            tc.succeeding(
                retry ->
                    tc.verify(
                        () -> {
                          assertThat(retry.statusCode()).isEqualTo(202);
                          assertThat(retry.bodyAsJsonObject()).isEqualTo(counts(0, 1));
                          Event event = store.stored.values().iterator().next();
                          assertThat(event.source()).isEqualTo("github");
                          assertThat(event.id()).isEqualTo("d-1");
                          assertThat(event.type()).isEqualTo("push");
                          assertThat(event.userId()).isEqualTo("octocat");
                          assertThat(event.ip()).isEqualTo("127.0.0.1");
                          assertThat(event.receivedAt()).isEqualTo(TestServers.NOW);
                          assertThat(event.properties()).containsEntry("ref", "refs/heads/main");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_401_with_the_reason_count_it_and_store_nothing(VertxTestContext tc) {
    MultiMap forged = signed(PUSH, "d-2").set("X-Hub-Signature-256", sign(PUSH + " "));
    hook("github", PUSH, forged)
        .compose(
            mismatch -> {
              tc.verify(
                  () -> {
                    assertThat(mismatch.statusCode()).isEqualTo(401);
                    assertThat(mismatch.bodyAsJsonObject())
                        .isEqualTo(
                            new JsonObject()
                                .put("error", "signature mismatch")
                                .put("field", "x-hub-signature-256"));
                  });
              return hook("github", PUSH, signed(PUSH, "d-2").remove("X-Hub-Signature-256"));
            })
        .onComplete(
            tc.succeeding(
                missing ->
                    tc.verify(
                        () -> {
                          assertThat(missing.statusCode()).isEqualTo(401);
                          assertThat(missing.bodyAsJsonObject().getString("error"))
                              .isEqualTo("missing header x-hub-signature-256");
                          assertThat(observer.verificationFailures)
                              .containsExactly(
                                  "github:signature_mismatch", "github:missing_header");
                          assertThat(observer.rejected)
                              .containsExactly("unauthorized", "unauthorized");
                          assertThat(store.calls).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_400_naming_the_map_field_when_the_payload_lacks_it(VertxTestContext tc) {
    String body = "{\"ref\":\"refs/heads/main\"}";
    hook("github", body, signed(body, "d-3"))
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(400);
                          assertThat(response.bodyAsJsonObject())
                              .isEqualTo(
                                  new JsonObject()
                                      .put(
                                          "error",
                                          "map.userId: `/sender/login` found nothing in the"
                                              + " payload")
                                      .put("field", "map.userId"));
                          assertThat(store.calls).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_400_to_a_verified_body_that_is_malformed_or_too_deep(VertxTestContext tc) {
    String malformed = "{\"sender\": {\"login\": \"octocat\"";
    String deep = "{\"a\":" + "[".repeat(70) + "]".repeat(70) + "}";
    hook("github", malformed, signed(malformed, "d-5"))
        .compose(
            first ->
                hook("github", deep, signed(deep, "d-6")).map(second -> List.of(first, second)))
        .onComplete(
            tc.succeeding(
                responses ->
                    tc.verify(
                        () -> {
                          assertThat(responses)
                              .extracting(HttpResponse::statusCode)
                              .containsExactly(400, 400);
                          assertThat(responses.get(0).bodyAsJsonObject().getString("error"))
                              .startsWith("malformed JSON");
                          assertThat(responses.get(1).bodyAsJsonObject().getString("error"))
                              .startsWith("JSON too deep");
                          assertThat(store.calls).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_name_the_map_field_when_the_mapped_event_is_invalid(VertxTestContext tc) {
    String body = "{\"sender\":{\"login\":{\"name\":\"octocat\"}}}";
    hook("github", body, signed(body, "d-4"))
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(400);
                          assertThat(response.bodyAsJsonObject().getString("field"))
                              .isEqualTo("map.userId");
                          assertThat(response.bodyAsJsonObject().getString("error"))
                              .startsWith("map.userId: must be a string");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_400_to_a_signed_hook_whose_integer_timestamp_is_out_of_range(
      VertxTestContext tc) {
    String body = "{\"type\":\"invoice.paid\",\"timestamp\":" + Long.MAX_VALUE + "}";
    long now = TestServers.NOW.getEpochSecond();
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", "application/json")
            .add("webhook-id", "msg_1")
            .add("webhook-timestamp", Long.toString(now))
            .add("webhook-signature", standardSignature("msg_1", now, body));
    hook("standard", body, headers)
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode())
                              .as(response.bodyAsString())
                              .isEqualTo(400);
                          assertThat(response.bodyAsJsonObject().getString("field"))
                              .isEqualTo("map.timestamp");
                          assertThat(response.bodyAsJsonObject().getString("error"))
                              .startsWith("map.timestamp: must be Unix seconds from 0 to")
                              .endsWith("was " + Long.MAX_VALUE);
                          assertThat(store.calls).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_413_past_the_sources_own_limit_and_404_for_an_unknown_source(
      VertxTestContext tc) {
    String large = "{\"sender\":{\"login\":\"" + "x".repeat(300) + "\"}}";
    hook("github", large, signed(large, "d-5"))
        .compose(
            tooLarge -> {
              tc.verify(() -> assertThat(tooLarge.statusCode()).isEqualTo(413));
              return hook("gitlab", PUSH, signed(PUSH, "d-6"));
            })
        .onComplete(
            tc.succeeding(
                unknown ->
                    tc.verify(
                        () -> {
                          assertThat(unknown.statusCode()).isEqualTo(404);
                          assertThat(unknown.bodyAsJsonObject())
                              .isEqualTo(
                                  new JsonObject()
                                      .put("error", "source: no configured source \"gitlab\"")
                                      .put("field", "source"));
                          assertThat(store.calls).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_429_with_retry_after_past_the_sources_rate(VertxTestContext tc) {
    hook("limited", PUSH, signed(PUSH, "d-7"))
        .compose(
            first -> {
              tc.verify(() -> assertThat(first.statusCode()).isEqualTo(202));
              return hook("limited", PUSH, signed(PUSH, "d-8"));
            })
        .onComplete(
            tc.succeeding(
                limited ->
                    tc.verify(
                        () -> {
                          assertThat(limited.statusCode()).isEqualTo(429);
                          assertThat(limited.getHeader("Retry-After")).isEqualTo("10");
                          assertThat(observer.rateLimited).containsExactly("source:limited");
                          assertThat(observer.rejected).containsExactly("rate_limited");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_require_a_write_key_on_v1_events_and_attribute_events_to_its_source(
      VertxTestContext tc) {
    String event = "{\"type\":\"signup\",\"id\":\"e1\"}";
    client
        .post(port, "127.0.0.1", IngestRoutes.EVENTS_PATH)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(event))
        .compose(
            anonymous -> {
              tc.verify(
                  () -> {
                    assertThat(anonymous.statusCode()).isEqualTo(401);
                    assertThat(anonymous.bodyAsJsonObject().getString("error"))
                        .isEqualTo("write key required");
                  });
              return client
                  .post(port, "127.0.0.1", IngestRoutes.EVENTS_PATH)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Authorization", "Bearer wk_other")
                  .sendBuffer(Buffer.buffer(event));
            })
        .compose(
            unknown -> {
              tc.verify(() -> assertThat(unknown.statusCode()).isEqualTo(401));
              return client
                  .post(port, "127.0.0.1", IngestRoutes.EVENTS_PATH)
                  .putHeader("Content-Type", "application/json")
                  .basicAuthentication("wk_web", "")
                  .sendBuffer(Buffer.buffer(event));
            })
        .compose(
            keyed -> {
              tc.verify(
                  () -> {
                    assertThat(keyed.statusCode()).isEqualTo(202);
                    assertThat(store.stored.values())
                        .extracting(Event::source)
                        .containsExactly("web");
                  });
              return client
                  .post(port, "127.0.0.1", IngestRoutes.EVENTS_PATH)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Authorization", "Bearer wk_web")
                  .sendBuffer(
                      Buffer.buffer(
                          "{\"batch\":[{\"type\":\"a\"},{\"type\":\"b\",\"source\":\"mobile\"}]}"));
            })
        .onComplete(
            tc.succeeding(
                otherSource ->
                    tc.verify(
                        () -> {
                          assertThat(otherSource.statusCode()).isEqualTo(400);
                          assertThat(otherSource.bodyAsJsonObject())
                              .isEqualTo(
                                  new JsonObject()
                                      .put(
                                          "error",
                                          "source: must be \"web\", the source of the write key,"
                                              + " or left out; was \"mobile\"")
                                      .put("field", "source")
                                      .put("index", 1));
                          assertThat(store.stored).hasSize(1);
                          assertThat(observer.rejected)
                              .containsExactly("unauthorized", "unauthorized", "invalid_event");
                          tc.completeNow();
                        })));
  }
}
