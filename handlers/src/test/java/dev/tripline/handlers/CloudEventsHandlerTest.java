package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.handlers.access.RateLimiter;
import dev.tripline.handlers.access.WriteKeys;
import dev.tripline.rules.Event;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CloudEvents over real HTTP: messages made by the CloudEvents Java SDK (an independent producer)
 * in structured, batch and binary mode, mapped to canonical events and deduplicated by source + id.
 */
@ExtendWith(VertxExtension.class)
class CloudEventsHandlerTest {

  private static final JsonFormat FORMAT =
      (JsonFormat) EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

  private FakeIngestService store;
  private RecordingObserver observer;
  // clients are held in fields: Vert.x closes a client that is no longer referenced
  private WebClient client;
  private HttpClient http;
  private HttpServer server;
  private int port;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    start(vertx, IngestAccess.open());
  }

  private void start(Vertx vertx, IngestAccess access) throws Exception {
    if (server != null) {
      await(server.close());
    }
    store = new FakeIngestService();
    observer = new RecordingObserver();
    client = WebClient.create(vertx);
    http = vertx.createHttpClient();
    server =
        await(
            TestServers.listen(
                vertx,
                store,
                TestServers.LIMITS,
                ClientIpResolver.direct(),
                observer,
                access,
                StreamAuth.DEFAULTS));
    port = server.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    await(server.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static CloudEvent order(String id) {
    return CloudEventBuilder.v1()
        .withId(id)
        .withSource(URI.create("https://shop.example/orders"))
        .withType("com.example.order.placed")
        .withTime(OffsetDateTime.parse("2026-11-21T10:29:00Z"))
        .withSubject("u123")
        .withExtension("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        .withExtension("attempt", 2)
        .withData(
            "application/json",
            "{\"orderId\":\"o-9\",\"total\":42.5,\"items\":[\"A1\"]}"
                .getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private HttpResponse<Buffer> post(String path, String contentType, String body) throws Exception {
    return post(path, MultiMap.caseInsensitiveMultiMap().add("Content-Type", contentType), body);
  }

  private HttpResponse<Buffer> post(String path, MultiMap headers, String body) throws Exception {
    HttpRequest<Buffer> request = client.post(port, "127.0.0.1", path);
    request.putHeaders(headers);
    return await(request.sendBuffer(Buffer.buffer(body)));
  }

  private static String structured(CloudEvent event) {
    return new String(FORMAT.serialize(event), StandardCharsets.UTF_8);
  }

  private HttpResponse<Buffer> postBinary(CloudEvent event) throws Exception {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    Buffer[] body = new Buffer[1];
    HttpMessageFactory.createWriter(headers::add, bytes -> body[0] = Buffer.buffer(bytes))
        .writeBinary(event);
    return await(
        client
            .post(port, "127.0.0.1", CloudEventsRoutes.PATH)
            .putHeaders(headers)
            .sendBuffer(body[0] == null ? Buffer.buffer() : body[0]));
  }

  private static JsonObject counts(int accepted, int duplicates) {
    return new JsonObject().put("accepted", accepted).put("duplicates", duplicates);
  }

  private Event only() {
    assertThat(store.stored).hasSize(1);
    return store.stored.values().iterator().next();
  }

  @Test
  void should_map_a_structured_event_to_the_canonical_event() throws Exception {
    HttpResponse<Buffer> response =
        post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, structured(order("o-9")));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject()).isEqualTo(counts(1, 0));
    Event event = only();
    assertThat(event.source()).isEqualTo("cloudevents");
    assertThat(event.id())
        .isEqualTo(CloudEventReader.canonicalId("https://shop.example/orders", "o-9"))
        .startsWith("ce_")
        .hasSize(46);
    assertThat(event.type()).isEqualTo("com.example.order.placed");
    assertThat(event.timestamp()).hasToString("2026-11-21T10:29:00Z");
    assertThat(event.userId()).isEqualTo("u123");
    assertThat(event.ip()).isEqualTo("127.0.0.1");
    assertThat(event.properties())
        .containsEntry("orderId", "o-9")
        .containsEntry("total", 42.5)
        .containsEntry("items", java.util.List.of("A1"));
    assertThat(event.context())
        .containsEntry(
            "cloudevents",
            Map.of(
                "specversion", "1.0",
                "id", "o-9",
                "source", "https://shop.example/orders",
                "subject", "u123",
                "datacontenttype", "application/json"))
        .containsEntry(
            "extensions",
            Map.of(
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "attempt",
                2L));
  }

  @Test
  void should_count_a_re_sent_event_as_a_duplicate_by_source_and_id() throws Exception {
    String body = structured(order("o-9"));
    post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, body);
    HttpResponse<Buffer> again = post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, body);
    CloudEvent otherSource =
        CloudEventBuilder.v1(order("o-9")).withSource(URI.create("/other")).build();
    HttpResponse<Buffer> other =
        post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, structured(otherSource));

    assertThat(again.bodyAsJsonObject()).isEqualTo(counts(0, 1));
    assertThat(other.bodyAsJsonObject()).as("same id, other source").isEqualTo(counts(1, 0));
    assertThat(store.stored).hasSize(2);
  }

  @Test
  void should_accept_a_batch_counting_duplicates_within_it() throws Exception {
    String batch =
        "["
            + structured(order("o-1"))
            + ","
            + structured(order("o-2"))
            + ","
            + structured(order("o-1"))
            + "]";

    HttpResponse<Buffer> response =
        post(CloudEventsRoutes.PATH, "application/cloudevents-batch+json", batch);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject()).isEqualTo(counts(2, 1));
    assertThat(store.calls).hasSize(1);
  }

  @Test
  void should_accept_an_empty_batch_as_the_format_allows() throws Exception {
    HttpResponse<Buffer> response =
        post(CloudEventsRoutes.PATH, "application/cloudevents-batch+json", "[]");

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject()).isEqualTo(counts(0, 0));
    assertThat(store.calls).isEmpty();
  }

  @Test
  void should_refuse_a_whole_batch_naming_the_index_of_the_bad_event() throws Exception {
    JsonObject bad = new JsonObject(structured(order("o-2")));
    bad.remove("type");
    String batch = "[" + structured(order("o-1")) + "," + bad.encode() + "]";

    HttpResponse<Buffer> response =
        post(CloudEventsRoutes.PATH, "application/cloudevents-batch+json", batch);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("field")).isEqualTo("type");
    assertThat(response.bodyAsJsonObject().getInteger("index")).isEqualTo(1);
    assertThat(store.calls).isEmpty();
  }

  @Test
  void should_map_a_binary_mode_event_from_headers_and_body() throws Exception {
    HttpResponse<Buffer> response = postBinary(order("o-9"));

    assertThat(response.statusCode()).isEqualTo(202);
    Event event = only();
    assertThat(event.id())
        .isEqualTo(CloudEventReader.canonicalId("https://shop.example/orders", "o-9"));
    assertThat(event.type()).isEqualTo("com.example.order.placed");
    assertThat(event.userId()).isEqualTo("u123");
    assertThat(event.properties()).containsEntry("orderId", "o-9");
    assertThat(event.context()).containsKey("extensions");
    @SuppressWarnings("unchecked")
    Map<String, Object> extensions = (Map<String, Object>) event.context().get("extensions");
    // binary mode carries every attribute as a header string
    assertThat(extensions).containsEntry("attempt", "2");
  }

  @Test
  void should_deduplicate_a_binary_re_send_of_a_structured_event() throws Exception {
    post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, structured(order("o-9")));

    assertThat(postBinary(order("o-9")).bodyAsJsonObject()).isEqualTo(counts(0, 1));
  }

  @Test
  void should_percent_decode_binary_headers_and_keep_text_data() throws Exception {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("ce-specversion", "1.0")
            .add("ce-id", "n-1")
            .add("ce-source", "/notes")
            .add("ce-type", "note.created")
            .add("ce-userid", "Fran%C3%A7ois")
            .add("Content-Type", "text/plain; charset=utf-8");

    HttpResponse<Buffer> response = post(CloudEventsRoutes.PATH, headers, "hello");

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(only().userId()).isEqualTo("François");
    assertThat(only().properties()).isEqualTo(Map.of("data", "hello"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"specversion", "id", "source", "type"})
  void should_answer_400_naming_a_missing_required_attribute(String attribute) throws Exception {
    JsonObject event = new JsonObject(structured(order("o-9")));
    event.remove(attribute);

    HttpResponse<Buffer> response =
        post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, event.encode());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("field")).isEqualTo(attribute);
    assertThat(response.bodyAsJsonObject().getString("error"))
        .isEqualTo(attribute + ": required CloudEvents attribute missing");
    assertThat(store.calls).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "specversion, '\"0.3\"', 'specversion: must be \"1.0\", was \"0.3\"'",
    "id, '\"\"', 'id: must be a non-empty string, was \"\"'",
    "source, '\"a b\"', 'source: must be a URI-reference, was \"a b\"'",
    "time, '\"yesterday\"', 'time: must be an ISO-8601 instant with an offset, e.g."
        + " 2026-11-21T10:30:00.123Z, was \"yesterday\"'",
    "time, '\"-999999999-01-01T00:00:00Z\"', 'time: must be between 1970-01-01T00:00:00Z and"
        + " 9999-12-31T23:59:59.999Z, was \"-999999999-01-01T00:00:00Z\"'",
    "time, '\"+10000-01-01T00:00:00Z\"', 'time: must be between 1970-01-01T00:00:00Z and"
        + " 9999-12-31T23:59:59.999Z, was \"+10000-01-01T00:00:00Z\"'",
    "Trace, '\"x\"', 'Trace: not a CloudEvents attribute name (lower-case letters and digits"
        + " only); the JSON format puts extensions as top-level members'",
    "nested, '{\"a\":1}', 'nested: must be a string, a boolean or a 32-bit integer, was an"
        + " object'",
  })
  void should_answer_400_naming_an_invalid_attribute(String attribute, String json, String error)
      throws Exception {
    JsonObject event = new JsonObject(structured(order("o-9")));
    event.put(attribute, new JsonObject("{\"v\":" + json + "}").getValue("v"));

    HttpResponse<Buffer> response =
        post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, event.encode());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("field")).isEqualTo(attribute);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo(error);
  }

  @Test
  void should_refuse_a_type_longer_than_the_canonical_limit() throws Exception {
    CloudEvent event = CloudEventBuilder.v1(order("o-9")).withType("t".repeat(129)).build();

    HttpResponse<Buffer> response =
        post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, structured(event));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("field")).isEqualTo("type");
  }

  @Test
  void should_answer_400_naming_a_binary_time_outside_the_representable_range() throws Exception {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("ce-specversion", "1.0")
            .add("ce-id", "n-1")
            .add("ce-source", "/notes")
            .add("ce-type", "note.created")
            .add("ce-time", "-999999999-01-01T00:00:00Z")
            .add("Content-Type", "application/json");

    HttpResponse<Buffer> response = post(CloudEventsRoutes.PATH, headers, "{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("field")).isEqualTo("ce-time");
    assertThat(response.bodyAsJsonObject().getString("error"))
        .startsWith("ce-time: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z");
    assertThat(store.calls).isEmpty();
  }

  @Test
  void should_answer_400_naming_the_missing_binary_header() throws Exception {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("ce-specversion", "1.0")
            .add("ce-id", "n-1")
            .add("ce-source", "/notes")
            .add("Content-Type", "application/json");

    HttpResponse<Buffer> response = post(CloudEventsRoutes.PATH, headers, "{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(
            new JsonObject()
                .put("error", "ce-type: required header missing (CloudEvents attribute type)")
                .put("field", "ce-type"));
  }

  @Test
  void should_answer_400_to_malformed_or_too_deep_json_and_store_nothing() throws Exception {
    String deep =
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/a\",\"type\":\"t\","
            + "\"data\":{\"a\":"
            + "[".repeat(70)
            + "]".repeat(70)
            + "}}";

    HttpResponse<Buffer> malformed =
        post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, "{\"specversion\": \"1.0\",");
    HttpResponse<Buffer> tooDeep = post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, deep);

    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.bodyAsJsonObject().getString("error")).startsWith("malformed JSON");
    assertThat(tooDeep.statusCode()).isEqualTo(400);
    assertThat(tooDeep.bodyAsJsonObject().getString("error")).startsWith("JSON too deep");
    assertThat(store.stored).isEmpty();
  }

  @Test
  void should_answer_415_to_a_request_that_is_no_cloudevent() throws Exception {
    HttpResponse<Buffer> response =
        post(CloudEventsRoutes.PATH, "application/json", "{\"type\":\"a\"}");

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(observer.rejected).containsExactly("unsupported_media_type");
  }

  @Test
  void should_answer_413_to_a_body_over_the_limit() throws Exception {
    JsonObject event = new JsonObject(structured(order("o-9")));
    event.put("data", new JsonObject().put("blob", "x".repeat(TestServers.LIMITS.maxBodyBytes())));

    HttpResponse<Buffer> response =
        post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, event.encode());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(observer.rejected).containsExactly("too_large");
    assertThat(store.calls).isEmpty();
  }

  @Test
  void should_accept_structured_cloudevents_on_the_events_path_too() throws Exception {
    HttpResponse<Buffer> structured =
        post(IngestRoutes.EVENTS_PATH, JsonFormat.CONTENT_TYPE, structured(order("o-9")));
    HttpResponse<Buffer> canonical =
        post(IngestRoutes.EVENTS_PATH, "application/json", "{\"type\":\"a\",\"id\":\"e1\"}");

    assertThat(structured.statusCode()).isEqualTo(202);
    assertThat(canonical.statusCode()).isEqualTo(202);
    assertThat(store.stored).hasSize(2);
  }

  @Test
  void should_attribute_events_to_the_write_key_source(Vertx vertx) throws Exception {
    start(vertx, new IngestAccess(WriteKeys.of(Map.of("k-shop", "shop")), RateLimiter.NONE));
    MultiMap keyed =
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", JsonFormat.CONTENT_TYPE)
            .add("Authorization", "Bearer k-shop");
    MultiMap wrong =
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", JsonFormat.CONTENT_TYPE)
            .add("Authorization", "Bearer nope");

    HttpResponse<Buffer> none =
        post(CloudEventsRoutes.PATH, JsonFormat.CONTENT_TYPE, structured(order("o-9")));
    HttpResponse<Buffer> refused = post(CloudEventsRoutes.PATH, wrong, structured(order("o-9")));
    HttpResponse<Buffer> admitted = post(CloudEventsRoutes.PATH, keyed, structured(order("o-9")));

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(observer.rejected).containsExactly("unauthorized", "unauthorized");
    assertThat(admitted.statusCode()).isEqualTo(202);
    assertThat(only().source()).isEqualTo("shop");
  }

  private static final IngestAccess SMALL_SOURCE =
      new IngestAccess(
          WriteKeys.of(Map.of("k-small", "small", "k-big", "big")),
          RateLimiter.NONE,
          Map.of("small", 1024));

  private static String eventOfAbout(int bytes) {
    return new JsonObject()
        .put("type", "page_view")
        .put("id", "e-big")
        .put("properties", new JsonObject().put("pad", "x".repeat(bytes)))
        .encode();
  }

  @Test
  void should_answer_413_over_the_body_limit_of_the_key_source(Vertx vertx) throws Exception {
    start(vertx, SMALL_SOURCE);
    MultiMap small =
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", "application/json")
            .add("Authorization", "Bearer k-small");
    MultiMap big =
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", "application/json")
            .add("Authorization", "Bearer k-big");
    MultiMap smallCloudEvent =
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", JsonFormat.CONTENT_TYPE)
            .add("Authorization", "Bearer k-small");

    HttpResponse<Buffer> events = post(IngestRoutes.EVENTS_PATH, small, eventOfAbout(2000));
    HttpResponse<Buffer> cloudEvents =
        post(CloudEventsRoutes.PATH, smallCloudEvent, "{\"pad\":\"" + "x".repeat(2000) + "\"}");
    HttpResponse<Buffer> underIngestLimit = post(IngestRoutes.EVENTS_PATH, big, eventOfAbout(2000));

    assertThat(events.statusCode()).isEqualTo(413);
    assertThat(events.bodyAsJsonObject().getString("error"))
        .contains("max_body_size of source \"small\"");
    assertThat(cloudEvents.statusCode()).isEqualTo(413);
    assertThat(underIngestLimit.statusCode()).isEqualTo(202);
    assertThat(observer.rejected).containsExactly("too_large", "too_large");
    assertThat(store.stored).hasSize(1);
  }

  @Test
  void should_answer_413_for_a_chunked_body_read_over_the_key_source_limit(Vertx vertx)
      throws Exception {
    start(vertx, SMALL_SOURCE);

    int status =
        await(
            http.request(HttpMethod.POST, port, "127.0.0.1", IngestRoutes.EVENTS_PATH)
                .compose(
                    request ->
                        request
                            .setChunked(true)
                            .putHeader("Content-Type", "application/json")
                            .putHeader("Authorization", "Bearer k-small")
                            .send(Buffer.buffer(eventOfAbout(2000))))
                .map(HttpClientResponse::statusCode));

    assertThat(status).isEqualTo(413);
    assertThat(observer.rejected).containsExactly("too_large");
    assertThat(store.calls).isEmpty();
  }
}
