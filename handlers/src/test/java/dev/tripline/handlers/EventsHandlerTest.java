package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(VertxExtension.class)
class EventsHandlerTest {

  private FakeIngestService store;
  private RecordingObserver observer;
  // clients are held in fields: Vert.x closes a client that is no longer referenced
  private WebClient client;
  private HttpClient http;
  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext tc) {
    store = new FakeIngestService();
    observer = new RecordingObserver();
    client = WebClient.create(vertx);
    http = vertx.createHttpClient();
    TestServers.start(
            vertx,
            store,
            TestServers.LIMITS,
            ClientIpResolver.trusting(List.of("127.0.0.1")),
            observer)
        .onComplete(
            tc.succeeding(
                p -> {
                  port = p;
                  tc.completeNow();
                }));
  }

  private Future<HttpResponse<Buffer>> post(String contentType, String body) {
    HttpRequest<Buffer> request = client.post(port, "127.0.0.1", IngestRoutes.EVENTS_PATH);
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  private Future<HttpResponse<Buffer>> post(String body) {
    return post("application/json", body);
  }

  @Test
  void should_accept_a_single_event_with_202_once_stored(VertxTestContext tc) {
    post("{\"type\":\"page_view\",\"id\":\"e1\",\"properties\":{\"n\":1}}")
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(202);
                          assertThat(response.getHeader("Content-Type"))
                              .isEqualTo("application/json");
                          assertThat(response.bodyAsJsonObject())
                              .isEqualTo(new JsonObject("{\"accepted\":1,\"duplicates\":0}"));
                          Event stored = store.stored.get("api\u0000e1");
                          assertThat(stored.type()).isEqualTo("page_view");
                          assertThat(stored.receivedAt()).isEqualTo(TestServers.NOW);
                          assertThat(stored.properties().get("n")).isEqualTo(1L);
                          assertThat(observer.accepted.get()).isEqualTo(1);
                          assertThat(observer.latencies).hasSize(1);
                          tc.completeNow();
                        })));
  }

  @Test
  void should_generate_an_id_when_the_event_has_none(VertxTestContext tc) {
    post("application/json; charset=UTF-8", "{\"type\":\"page_view\"}")
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(202);
                          assertThat(store.stored).containsOnlyKeys("api\u0000evt_test_1");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_count_duplicates_within_and_across_requests(VertxTestContext tc) {
    String batch =
        "{\"batch\":[{\"type\":\"a\",\"id\":\"1\"},{\"type\":\"a\",\"id\":\"1\"},"
            + "{\"type\":\"b\",\"id\":\"2\",\"source\":\"web\"}]}";
    post(batch)
        .compose(
            first -> {
              tc.verify(
                  () -> {
                    assertThat(first.statusCode()).isEqualTo(202);
                    assertThat(first.bodyAsJsonObject())
                        .isEqualTo(new JsonObject("{\"accepted\":2,\"duplicates\":1}"));
                  });
              return post(batch);
            })
        .onComplete(
            tc.succeeding(
                second ->
                    tc.verify(
                        () -> {
                          assertThat(second.statusCode()).isEqualTo(202);
                          assertThat(second.bodyAsJsonObject())
                              .isEqualTo(new JsonObject("{\"accepted\":0,\"duplicates\":3}"));
                          assertThat(store.stored).containsOnlyKeys("api\u00001", "web\u00002");
                          assertThat(observer.accepted.get()).isEqualTo(2);
                          assertThat(observer.duplicates.get()).isEqualTo(4);
                          tc.completeNow();
                        })));
  }

  static Stream<Arguments> badRequests() {
    String deep = "{\"type\":\"t\",\"properties\":" + "[".repeat(70) + "]".repeat(70) + "}";
    String big = "{\"type\":\"t\",\"properties\":{\"pad\":\"" + "x".repeat(5000) + "\"}}";
    return Stream.of(
        // content type, body, status, error (prefix), field, index, reason
        Arguments.of(
            "application/json",
            "{\"type\": \"secret-token\" x}",
            400,
            "malformed JSON: Unexpected character ('x' (code 120)): was expecting comma",
            null,
            null,
            "malformed_json"),
        Arguments.of(
            "application/json",
            "{\"type\":",
            400,
            "malformed JSON: Unexpected end-of-input",
            null,
            null,
            "malformed_json"),
        Arguments.of(
            "application/json",
            "",
            400,
            "malformed JSON: empty body",
            null,
            null,
            "malformed_json"),
        Arguments.of(
            "application/json",
            "{\"type\":42}",
            400,
            "type: must be a non-empty string, was 42",
            "type",
            null,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"userId\":\"u1\"}",
            400,
            "type: must be a non-empty string, was null",
            "type",
            null,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"type\":\"t\",\"geo\":{\"lat\":\"1\",\"lon\":2}}",
            400,
            "geo.lat: must be a number in -90..90, was \"1\"",
            "geo.lat",
            null,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"type\":\"t\",\"properties\":[1,2]}",
            400,
            "properties: must be an object, was an array",
            "properties",
            null,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"type\":\"t\",\"userid\":\"u1\"}",
            400,
            "userid: unknown field; did you mean \"userId\"?",
            "userid",
            null,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"type\":\"t\",\"timestamp\":\"2026-11-21T10:40:01Z\"}",
            400,
            "timestamp: must not be more than 600s after",
            "timestamp",
            null,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"type\":\"t\",\"timestamp\":\"21/11/2026\"}",
            400,
            "timestamp: must be an ISO-8601 instant",
            "timestamp",
            null,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "[{\"type\":\"t\"}]",
            400,
            "body: must be an event object",
            null,
            null,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"batch\":[]}",
            400,
            "batch: must hold at least 1 event",
            "batch",
            null,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"batch\":{\"type\":\"t\"}}",
            400,
            "batch: must be an array of event objects, was an object",
            "batch",
            null,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"batch\":[{\"type\":\"t\"}],\"userId\":\"u1\"}",
            400,
            "userId: a batch object may hold only \"batch\"",
            "userId",
            null,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"batch\":[{\"type\":\"t\"},{\"type\":\"t\",\"geo\":{\"lat\":1,\"lon\":900}}]}",
            400,
            "geo.lon: must be a number in -180..180, was 900",
            "geo.lon",
            1,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"batch\":[{\"type\":\"t\"},{\"type\":\"t\"},7]}",
            400,
            "batch[2]: must be an event object, was 7",
            "batch",
            2,
            "invalid_event"),
        Arguments.of(
            "application/json",
            "{\"batch\":[{\"type\":\"t\"},{\"type\":\"t\"},{\"type\":\"t\"},{\"type\":\"t\"}]}",
            400,
            "batch: must hold at most maxBatchEvents 3 events, was 4",
            "batch",
            null,
            "too_many_events"),
        Arguments.of(
            "application/json",
            deep,
            400,
            "JSON too deep: nesting exceeds maxJsonDepth 64 levels",
            null,
            null,
            "too_deep"),
        Arguments.of(
            "application/json",
            big,
            413,
            "body too large: must be at most maxBodyBytes 4096 bytes, was 5036",
            null,
            null,
            "too_large"),
        Arguments.of(
            "text/plain",
            "{\"type\":\"t\"}",
            415,
            "Content-Type: must be application/json (charset utf-8), was \"text/plain\"",
            null,
            null,
            "unsupported_media_type"),
        Arguments.of(
            null,
            "{\"type\":\"t\"}",
            415,
            "Content-Type: must be application/json (charset utf-8), was null",
            null,
            null,
            "unsupported_media_type"),
        Arguments.of(
            "application/json; charset=iso-8859-1",
            "{\"type\":\"t\"}",
            415,
            "Content-Type: must be application/json",
            null,
            null,
            "unsupported_media_type"));
  }

  @ParameterizedTest(name = "[{index}] {2} {3}")
  @MethodSource("badRequests")
  void should_reject_bad_input_without_storing_anything(
      String contentType,
      String body,
      int status,
      String error,
      String field,
      Integer index,
      String reason,
      VertxTestContext tc) {
    post(contentType, body)
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(status);
                          JsonObject json = response.bodyAsJsonObject();
                          assertThat(json.getString("error")).startsWith(error);
                          assertThat(json.getString("field")).isEqualTo(field);
                          assertThat(json.getInteger("index")).isEqualTo(index);
                          assertThat(json.fieldNames())
                              .isSubsetOf("error", "field", "index")
                              .containsAll(
                                  field == null ? List.of("error") : List.of("error", "field"));
                          assertThat(json.getString("error")).doesNotContain("secret-token");
                          assertThat(store.calls).isEmpty();
                          assertThat(observer.rejected).containsExactly(reason);
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_413_when_a_chunked_body_grows_past_the_limit(
      Vertx vertx, VertxTestContext tc) {
    String big = "{\"type\":\"t\",\"properties\":{\"pad\":\"" + "x".repeat(5000) + "\"}}";
    http.request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setPort(port)
                .setHost("127.0.0.1")
                .setURI(IngestRoutes.EVENTS_PATH))
        .compose(
            request -> {
              request.setChunked(true).putHeader("Content-Type", "application/json");
              return request.send(Buffer.buffer(big));
            })
        .compose(response -> response.body().map(body -> response.statusCode() + " " + body))
        .onComplete(
            tc.succeeding(
                answer ->
                    tc.verify(
                        () -> {
                          assertThat(answer).startsWith("413 ");
                          assertThat(new JsonObject(answer.substring(4)).getString("error"))
                              .isEqualTo("request entity too large");
                          assertThat(store.calls).isEmpty();
                          assertThat(observer.rejected).containsExactly("too_large");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_503_with_retry_after_when_overloaded(VertxTestContext tc) {
    store.mode = FakeIngestService.Mode.OVERLOADED;
    store.retryAfter = Duration.ofMillis(1500);
    post("{\"type\":\"t\"}")
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(503);
                          assertThat(response.getHeader("Retry-After")).isEqualTo("2");
                          assertThat(response.bodyAsJsonObject())
                              .isEqualTo(new JsonObject("{\"error\":\"write queue full\"}"));
                          assertThat(observer.rejected).containsExactly("overloaded");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_400_naming_a_timestamp_outside_the_representable_range(VertxTestContext tc) {
    String poison = "{\"type\":\"x\",\"timestamp\":\"-999999999-01-01T00:00:00Z\"}";
    String range = "timestamp: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z";
    post(poison)
        .compose(
            single -> {
              tc.verify(
                  () -> {
                    assertThat(single.statusCode()).isEqualTo(400);
                    assertThat(single.bodyAsJsonObject())
                        .isEqualTo(
                            new JsonObject()
                                .put("error", range + ", was \"-999999999-01-01T00:00:00Z\"")
                                .put("field", "timestamp"));
                  });
              return post("{\"batch\":[{\"type\":\"ok\"}," + poison + "]}");
            })
        .onComplete(
            tc.succeeding(
                batch ->
                    tc.verify(
                        () -> {
                          assertThat(batch.statusCode()).isEqualTo(400);
                          assertThat(batch.bodyAsJsonObject().getString("error")).startsWith(range);
                          assertThat(batch.bodyAsJsonObject().getString("field"))
                              .isEqualTo("timestamp");
                          assertThat(batch.bodyAsJsonObject().getInteger("index")).isEqualTo(1);
                          assertThat(store.calls).isEmpty();
                          assertThat(observer.rejected)
                              .containsExactly("invalid_event", "invalid_event");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_400_with_the_index_when_the_store_refuses_an_event(VertxTestContext tc) {
    store.unstorableIds.add("refused");
    post("{\"batch\":[{\"type\":\"t\"},{\"type\":\"t\",\"id\":\"refused\"}]}")
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(400);
                          assertThat(response.bodyAsJsonObject())
                              .isEqualTo(
                                  new JsonObject()
                                      .put("error", "timestamp: cannot be stored")
                                      .put("field", "timestamp")
                                      .put("index", 1));
                          assertThat(store.stored).isEmpty();
                          assertThat(observer.rejected).containsExactly("invalid_event");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_503_not_500_when_the_store_fails(VertxTestContext tc) {
    store.mode = FakeIngestService.Mode.FAILING;
    post("{\"batch\":[{\"type\":\"t\"},{\"type\":\"u\"}]}")
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(503);
                          assertThat(response.getHeader("Retry-After")).isEqualTo("1");
                          assertThat(response.bodyAsJsonObject())
                              .isEqualTo(new JsonObject("{\"error\":\"store unavailable\"}"));
                          assertThat(store.calls).hasSize(1);
                          assertThat(observer.rejected).containsExactly("store_unavailable");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_503_when_the_store_does_not_answer_in_time(Vertx vertx, VertxTestContext tc) {
    FakeIngestService hanging = new FakeIngestService();
    hanging.mode = FakeIngestService.Mode.HOLD;
    TestServers.start(
            vertx,
            hanging,
            TestServers.LIMITS.withIngestTimeout(Duration.ofMillis(50)),
            ClientIpResolver.direct(),
            IngestObserver.NONE)
        .compose(
            otherPort ->
                client
                    .post(otherPort, "127.0.0.1", IngestRoutes.EVENTS_PATH)
                    .putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer("{\"type\":\"t\"}")))
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(503);
                          assertThat(response.bodyAsJsonObject().getString("error"))
                              .isEqualTo("store unavailable");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_take_the_client_ip_from_forwarded_for_behind_a_trusted_proxy(VertxTestContext tc) {
    client
        .post(port, "127.0.0.1", IngestRoutes.EVENTS_PATH)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Forwarded-For", "6.6.6.6, 198.51.100.4")
        .sendBuffer(Buffer.buffer("{\"type\":\"t\",\"id\":\"e1\",\"ip\":\"1.1.1.1\"}"))
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(202);
                          assertThat(store.stored.get("api\u0000e1").ip())
                              .isEqualTo("198.51.100.4");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_take_the_peer_address_and_ignore_forwarded_for_from_an_untrusted_peer(
      Vertx vertx, VertxTestContext tc) {
    FakeIngestService other = new FakeIngestService();
    TestServers.start(
            vertx,
            other,
            TestServers.LIMITS,
            ClientIpResolver.trusting(List.of("10.0.0.0/8")),
            IngestObserver.NONE)
        .compose(
            otherPort ->
                client
                    .post(otherPort, "127.0.0.1", IngestRoutes.EVENTS_PATH)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("X-Forwarded-For", "198.51.100.4")
                    .sendBuffer(Buffer.buffer("{\"type\":\"t\",\"id\":\"e1\"}")))
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(202);
                          assertThat(other.stored.get("api\u0000e1").ip()).isEqualTo("127.0.0.1");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_json_404_and_405(VertxTestContext tc) {
    client
        .get(port, "127.0.0.1", "/nope")
        .send()
        .compose(
            notFound -> {
              tc.verify(
                  () -> {
                    assertThat(notFound.statusCode()).isEqualTo(404);
                    assertThat(notFound.bodyAsJsonObject())
                        .isEqualTo(new JsonObject("{\"error\":\"not found\"}"));
                  });
              return client.put(port, "127.0.0.1", IngestRoutes.EVENTS_PATH).send();
            })
        .onComplete(
            tc.succeeding(
                wrongMethod ->
                    tc.verify(
                        () -> {
                          assertThat(wrongMethod.statusCode()).isEqualTo(405);
                          assertThat(wrongMethod.bodyAsJsonObject())
                              .isEqualTo(new JsonObject("{\"error\":\"method not allowed\"}"));
                          tc.completeNow();
                        })));
  }
}
