package dev.tripline.handlers.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.handlers.ClientIpResolver;
import dev.tripline.handlers.IdGenerator;
import dev.tripline.handlers.IngestLimits;
import dev.tripline.handlers.IngestObserver;
import dev.tripline.handlers.IngestRoutes;
import dev.tripline.handlers.IngestService;
import dev.tripline.handlers.IngestWiring;
import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.handlers.access.RateLimiter;
import dev.tripline.handlers.access.WriteKeys;
import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Segment-compatible routes over real HTTP, with an in-memory store and a fixed clock. */
@ExtendWith(VertxExtension.class)
class SegmentRoutesTest {

  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  /** The batch example of Segment's HTTP Tracking API reference, exactly as it is written there. */
  static final String SPEC_BATCH =
      """
      {
        "batch": [
          {
            "type": "identify",
            "userId": "019mr8mf4r",
            "traits": {
              "email": "jake@yahoo.com",
              "name": "Jake Peterson",
              "age": 26
            },
            "timestamp": "2012-12-02T00:30:08.276Z"
          },
          {
            "type": "track",
            "userId": "019mr8mf4r",
            "event": "Song Played",
            "properties": {
              "name": "Fallin for You",
              "artist": "Dierks Bentley"
            },
            "timestamp": "2012-12-02T00:30:12.984Z"
          },
          {
            "type": "identify",
            "userId": "971mj8mk7p",
            "traits": {
              "email": "cindy@example.com",
              "name": "Cindy Gonzalez",
              "age": 23
            },
            "timestamp": "2015-2-02T00:30:08.276Z"
          },
          {
            "type": "track",
            "userId": "971mj8mk7p",
            "event": "Song Played",
            "properties": {
              "name": "Get Right",
              "artist": "Jennifer Lopez"
            },
            "timestamp": "2015-2-02T00:30:12.984Z"
          }
        ],
        "writeKey": "YOUR_WRITE_KEY",
        "context": {
          "device": {
            "type": "phone",
            "name": "Apple iPhone 6"
          }
        }
      }
      """;

  private final Store store = new Store();
  private final RecordingProfiles profiles = new RecordingProfiles();
  private final List<String> rejected = new CopyOnWriteArrayList<>();
  private WebClient client;
  private HttpClient http;
  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext tc) {
    client = WebClient.create(vertx);
    http = vertx.createHttpClient();
    listen(vertx, IngestAccess.open())
        .onComplete(
            tc.succeeding(
                p -> {
                  port = p;
                  tc.completeNow();
                }));
  }

  private Future<Integer> listen(Vertx vertx, IngestAccess access) {
    AtomicInteger ids = new AtomicInteger();
    IdGenerator generated = () -> "gen_" + ids.incrementAndGet();
    IngestObserver observer =
        new IngestObserver() {
          @Override
          public void rejected(String reason) {
            rejected.add(reason);
          }
        };
    Router router = Router.router(vertx);
    new SegmentRoutes(
            new IngestWiring(
                vertx,
                store,
                IngestLimits.defaults().withIngestTimeout(Duration.ofSeconds(5)),
                ClientIpResolver.direct(),
                observer,
                InstantSource.fixed(NOW),
                generated,
                access),
            profiles)
        .mount(router);
    IngestRoutes.mountErrorHandling(router);
    return vertx
        .createHttpServer(new HttpServerOptions())
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .map(server -> server.actualPort());
  }

  private Future<HttpResponse<Buffer>> post(String path, String body) {
    return post(path, body, null);
  }

  private Future<HttpResponse<Buffer>> post(String path, String body, String writeKey) {
    HttpRequest<Buffer> request =
        client.post(port, "127.0.0.1", path).putHeader("Content-Type", "application/json");
    if (writeKey != null) {
      request.putHeader(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8)));
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  @Test
  void should_accept_the_batch_example_of_segments_reference(VertxTestContext tc) {
    post("/v1/batch", SPEC_BATCH)
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(200);
                          assertThat(response.bodyAsJsonObject())
                              .isEqualTo(new JsonObject().put("success", true));
                          assertThat(store.events)
                              .extracting(Event::type)
                              .containsExactly(
                                  "identify", "Song Played", "identify", "Song Played");
                          Event identify = store.events.get(0);
                          assertThat(identify.source()).isEqualTo("segment");
                          assertThat(identify.userId()).isEqualTo("019mr8mf4r");
                          assertThat(identify.properties())
                              .containsEntry("email", "jake@yahoo.com")
                              .containsEntry("age", 26L);
                          assertThat(identify.timestamp())
                              .isEqualTo(Instant.parse("2012-12-02T00:30:08.276Z"));
                          assertThat(identify.receivedAt()).isEqualTo(NOW);
                          assertThat(identify.ip()).isEqualTo("127.0.0.1");
                          Event track = store.events.get(3);
                          assertThat(track.timestamp())
                              .isEqualTo(Instant.parse("2015-02-02T00:30:12.984Z"));
                          assertThat(track.properties())
                              .containsEntry("name", "Get Right")
                              .containsEntry("artist", "Jennifer Lopez");
                          // the batch's context under each call's
                          assertThat(track.field("context.device.name"))
                              .isEqualTo("Apple iPhone 6");
                          assertThat(track.field("context.segment.call")).isEqualTo("track");
                          // the write key is a secret: never stored
                          assertThat(store.events.toString()).doesNotContain("YOUR_WRITE_KEY");
                          assertThat(profiles.calls).hasSize(1);
                          assertThat(profiles.calls.get(0))
                              .extracting(ProfileUpdate::userId)
                              .containsExactly("019mr8mf4r", "971mj8mk7p");
                          assertThat(profiles.calls.get(0).get(1).traits())
                              .containsEntry("name", "Cindy Gonzalez");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_map_each_call_of_the_reference_onto_the_canonical_event(VertxTestContext tc) {
    String identify =
        """
        {"userId": "019mr8mf4r",
         "traits": {"email": "pgibbons@example.com", "name": "Peter Gibbons", "industry": "Technology"},
         "context": {"ip": "24.5.68.47"},
         "timestamp": "2012-12-02T00:30:08.276Z", "writeKey": "YOUR_WRITE_KEY"}""";
    String track =
        """
        {"userId": "019mr8mf4r", "event": "Item Purchased",
         "properties": {"name": "Leap to Conclusions Mat", "revenue": 14.99},
         "context": {"ip": "24.5.68.47"},
         "timestamp": "2012-12-02T00:30:12.984Z", "writeKey": "YOUR_WRITE_KEY"}""";
    String page =
        """
        {"userId": "019mr8mf4r", "name": "Tracking HTTP API",
         "timestamp": "2012-12-02T00:31:29.738Z", "writeKey": "YOUR_WRITE_KEY"}""";
    String screen =
        """
        {"userId": "019mr8mf4r", "name": "Tracking HTTP API",
         "timestamp": "2012-12-02T00:31:29.738Z", "writeKey": "YOUR_WRITE_KEY"}""";
    String group =
        """
        {"userId": "019mr8mf4r", "groupId": "8e9df332ac",
         "traits": {"name": "Initech", "industry": "Technology", "employees": 420},
         "timestamp": "2012-12-02T00:31:38.208Z", "writeKey": "YOUR_WRITE_KEY"}""";
    String alias =
        """
        {"previousId": "39239-239239-239239-23923", "userId": "019mr8mf4r",
         "timestamp": "2012-12-02T00:31:29.738Z", "writeKey": "YOUR_WRITE_KEY"}""";
    post("/v1/identify", identify)
        .compose(r -> post("/v1/track", track))
        .compose(r -> post("/v1/page", page))
        .compose(r -> post("/v1/screen", screen))
        .compose(r -> post("/v1/group", group))
        .compose(r -> post("/v1/alias", alias))
        .onComplete(
            tc.succeeding(
                last ->
                    tc.verify(
                        () -> {
                          assertThat(last.statusCode()).isEqualTo(200);
                          assertThat(store.events)
                              .extracting(Event::type)
                              .containsExactly(
                                  "identify", "Item Purchased", "page", "screen", "group", "alias");
                          Event first = store.events.get(0);
                          assertThat(first.ip()).isEqualTo("24.5.68.47");
                          assertThat(first.properties()).containsEntry("industry", "Technology");
                          Event purchase = store.events.get(1);
                          assertThat(purchase.properties()).containsEntry("revenue", 14.99);
                          assertThat(purchase.field("context.segment.originalTimestamp"))
                              .isEqualTo("2012-12-02T00:30:12.984Z");
                          assertThat(store.events.get(2).properties())
                              .containsEntry("name", "Tracking HTTP API");
                          assertThat(store.events.get(2).field("context.segment.name"))
                              .isEqualTo("Tracking HTTP API");
                          assertThat(store.events.get(2).ip()).isEqualTo("127.0.0.1");
                          assertThat(store.events.get(4).field("context.segment.groupId"))
                              .isEqualTo("8e9df332ac");
                          assertThat(store.events.get(4).properties())
                              .containsEntry("employees", 420L);
                          assertThat(store.events.get(5).field("context.segment.previousId"))
                              .isEqualTo("39239-239239-239239-23923");
                          // only identify updates profiles; group traits are the group's
                          assertThat(profiles.calls).hasSize(1);
                          assertThat(profiles.calls.get(0).get(0).traits())
                              .containsEntry("name", "Peter Gibbons");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_store_a_message_id_once_however_often_it_is_sent(VertxTestContext tc) {
    String body =
        "{\"userId\":\"u1\",\"event\":\"Signed Up\",\"messageId\":\"m-1\","
            + "\"timestamp\":\"2026-11-23T09:00:00Z\"}";
    post("/v1/track", body)
        .compose(r -> post("/v1/track", body))
        .compose(
            r ->
                post(
                    "/v1/batch",
                    "{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Signed Up\","
                        + "\"messageId\":\"m-1\"}]}"))
        .onComplete(
            tc.succeeding(
                last ->
                    tc.verify(
                        () -> {
                          assertThat(last.statusCode()).isEqualTo(200);
                          assertThat(store.calls.get()).isEqualTo(3);
                          assertThat(store.events).hasSize(1);
                          assertThat(store.events.get(0).id()).isEqualTo("m-1");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_correct_the_senders_clock_skew_and_keep_its_original_timestamp(VertxTestContext tc) {
    // the device clock is an hour behind: it sent the call at 09:00:00 of its own clock, 5 s after
    // the event; the gateway received it at 10:00:00
    post(
            "/v1/batch",
            """
            {"sentAt": "2026-11-23T09:00:00Z",
             "batch": [
               {"type": "track", "event": "Clicked", "anonymousId": "a1",
                "timestamp": "2026-11-23T08:59:55Z"},
               {"type": "track", "event": "Clicked", "anonymousId": "a1",
                "timestamp": "2026-11-23T08:59:58Z", "sentAt": "2026-11-23T09:00:58Z"},
               {"type": "track", "event": "Clicked", "anonymousId": "a1"}
             ]}""")
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(200);
                          assertThat(store.events)
                              .extracting(Event::timestamp)
                              .containsExactly(
                                  Instant.parse("2026-11-23T09:59:55Z"),
                                  Instant.parse("2026-11-23T09:59:00Z"),
                                  NOW);
                          Event first = store.events.get(0);
                          assertThat(first.field("context.segment.originalTimestamp"))
                              .isEqualTo("2026-11-23T08:59:55Z");
                          assertThat(first.field("context.segment.sentAt"))
                              .isEqualTo("2026-11-23T09:00:00Z");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_map_context_ip_and_location_to_ip_and_geo(VertxTestContext tc) {
    post(
            "/v1/track",
            """
            {"userId": "u1", "event": "Logged In",
             "context": {"ip": "::ffff:203.0.113.7",
                         "location": {"city": "Seoul", "latitude": 37.56, "longitude": 126.97}}}""")
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(200);
                          Event event = store.events.get(0);
                          assertThat(event.ip()).isEqualTo("203.0.113.7");
                          assertThat(event.geo()).isEqualTo(new Event.Geo(37.56, 126.97, null));
                          assertThat(event.field("context.location.city")).isEqualTo("Seoul");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_refuse_bad_context_ip_and_location_naming_the_field(VertxTestContext tc) {
    post("/v1/track", "{\"userId\":\"u1\",\"event\":\"e\",\"context\":{\"ip\":\"example.com\"}}")
        .compose(
            response -> {
              assertError(response, 400, "context.ip", "must be an IPv4 or IPv6 address");
              return post(
                  "/v1/track",
                  "{\"userId\":\"u1\",\"event\":\"e\",\"context\":{\"location\":{\"latitude\":91,"
                      + "\"longitude\":0}}}");
            })
        .compose(
            response -> {
              assertError(response, 400, "context.location.latitude", "-90..90");
              return post(
                  "/v1/track",
                  "{\"userId\":\"u1\",\"event\":\"e\",\"context\":{\"location\":{\"latitude\":1}}}");
            })
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertError(response, 400, "context.location.longitude", "required");
                          assertThat(store.events).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_refuse_a_call_without_user_or_anonymous_id_naming_the_field(VertxTestContext tc) {
    post("/v1/track", "{\"event\":\"Signed Up\"}")
        .compose(
            response -> {
              assertError(response, 400, "userId", "required unless anonymousId is given");
              return post(
                  "/v1/batch",
                  "{\"batch\":[{\"type\":\"page\",\"anonymousId\":\"a1\"},"
                      + "{\"type\":\"identify\",\"traits\":{\"plan\":\"pro\"}}]}");
            })
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertError(response, 400, "userId", "required unless anonymousId");
                          assertThat(response.bodyAsJsonObject().getInteger("index")).isEqualTo(1);
                          // all or nothing: the valid first call was not stored either
                          assertThat(store.events).isEmpty();
                          assertThat(profiles.calls).isEmpty();
                          assertThat(rejected).containsOnly("invalid_event");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_refuse_invalid_calls_naming_the_segment_field(VertxTestContext tc) {
    post("/v1/track", "{\"userId\":\"u1\"}")
        .compose(
            response -> {
              assertError(response, 400, "event", "track calls name their event");
              return post("/v1/track", "{\"userId\":\"u1\",\"event\":\"" + "x".repeat(200) + "\"}");
            })
        .compose(
            response -> {
              assertError(response, 400, "event", "at most 128 characters");
              return post("/v1/identify", "{\"userId\":\"u1\",\"traits\":{\"a.b\":1}}");
            })
        .compose(
            response -> {
              assertError(response, 400, "traits.a.b", "without '.'");
              return post("/v1/group", "{\"userId\":\"u1\"}");
            })
        .compose(
            response -> {
              assertError(response, 400, "groupId", "required");
              return post("/v1/alias", "{\"userId\":\"u1\"}");
            })
        .compose(
            response -> {
              assertError(response, 400, "previousId", "required");
              return post("/v1/page", "{\"userId\":\"u1\",\"timestamp\":\"last tuesday\"}");
            })
        .compose(
            response -> {
              assertError(response, 400, "timestamp", "ISO-8601");
              return post("/v1/batch", "{\"batch\":[{\"type\":\"click\",\"userId\":\"u1\"}]}");
            })
        .compose(
            response -> {
              assertError(response, 400, "type", "must be one of track, identify");
              return post("/v1/track", "{\"userId\":\"u1\",\"event\":\"e\",\"properties\":[]}");
            })
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertError(response, 400, "properties", "must be an object");
                          assertThat(store.events).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_refuse_times_outside_the_representable_range_with_400_naming_field_and_index(
      VertxTestContext tc) {
    String extreme = "-999999999-01-01T00:00:00Z";
    String range = "must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z";
    post(
            "/v1/track",
            "{\"userId\":\"u1\",\"event\":\"e\",\"timestamp\":\""
                + extreme
                + "\",\"sentAt\":\"2026-11-23T10:00:00Z\"}")
        .compose(
            response -> {
              assertError(response, 400, "timestamp", range + ", was \"" + extreme + "\"");
              return post(
                  "/v1/track",
                  "{\"userId\":\"u1\",\"event\":\"e\",\"timestamp\":\"2026-11-23T09:00:00Z\","
                      + "\"sentAt\":\"999999999-12-31T23:59:59Z\"}");
            })
        .compose(
            response -> {
              assertError(response, 400, "sentAt", range);
              // both representable, but the correction leaves the range
              return post(
                  "/v1/track",
                  "{\"userId\":\"u1\",\"event\":\"e\",\"timestamp\":\"1970-01-01T00:00:00Z\","
                      + "\"sentAt\":\"9999-12-31T00:00:00Z\"}");
            })
        .compose(
            response -> {
              assertError(response, 400, "timestamp", "once corrected for the sender's clock");
              return post(
                  "/v1/batch",
                  "{\"batch\":[{\"type\":\"page\",\"userId\":\"u1\"},"
                      + "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"e\","
                      + "\"originalTimestamp\":\""
                      + extreme
                      + "\"}],\"sentAt\":\"2026-11-23T10:00:00Z\"}");
            })
        .compose(
            response -> {
              assertError(response, 400, "originalTimestamp", range);
              assertThat(response.bodyAsJsonObject().getInteger("index")).isEqualTo(1);
              return post(
                  "/v1/batch",
                  "{\"batch\":[{\"type\":\"page\",\"userId\":\"u1\","
                      + "\"timestamp\":\"2026-11-23T09:00:00Z\"}],\"sentAt\":\""
                      + extreme
                      + "\"}");
            })
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertError(response, 400, "sentAt", range);
                          assertThat(store.events).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_refuse_malformed_or_too_deep_json_and_store_nothing(VertxTestContext tc) {
    String deep =
        "{\"userId\":\"u1\",\"event\":\"e\",\"properties\":{\"a\":"
            + "[".repeat(70)
            + "]".repeat(70)
            + "}}";
    post("/v1/track", "{\"userId\": \"u1\", \"event\": ")
        .compose(malformed -> post("/v1/track", deep).map(tooDeep -> List.of(malformed, tooDeep)))
        .onComplete(
            tc.succeeding(
                responses ->
                    tc.verify(
                        () -> {
                          assertError(responses.get(0), 400, null, "malformed JSON");
                          assertError(responses.get(1), 400, null, "JSON too deep");
                          assertThat(store.events).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_refuse_an_oversized_call_with_400_and_the_reason(VertxTestContext tc) {
    String big =
        "{\"userId\":\"u1\",\"event\":\"e\",\"properties\":{\"blob\":\""
            + "x".repeat(SegmentRoutes.MAX_CALL_BYTES)
            + "\"}}";
    post("/v1/track", big)
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertError(response, 400, null, "a call must be at most 32768 bytes");
                          assertThat(response.bodyAsJsonObject().getString("error"))
                              .contains("was " + big.length());
                          assertThat(store.events).isEmpty();
                          assertThat(rejected).containsExactly("too_large");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_refuse_an_oversized_call_inside_a_batch_naming_its_index(VertxTestContext tc) {
    String big =
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"e\",\"properties\":{\"blob\":\""
            + "x".repeat(SegmentRoutes.MAX_CALL_BYTES)
            + "\"}}";
    post("/v1/batch", "{\"batch\":[{\"type\":\"page\",\"userId\":\"u1\"}," + big + "]}")
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertError(
                              response, 400, null, "each call of a batch must be at most 32768");
                          assertThat(response.bodyAsJsonObject().getInteger("index")).isEqualTo(1);
                          assertThat(store.events).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_refuse_an_oversized_batch_with_400_and_the_reason(VertxTestContext tc) {
    JsonArray batch = new JsonArray();
    String blob = "x".repeat(30_000);
    for (int i = 0; i < 20; i++) {
      batch.add(
          new JsonObject()
              .put("type", "track")
              .put("userId", "u1")
              .put("event", "e")
              .put("properties", new JsonObject().put("blob", blob)));
    }
    String body = new JsonObject().put("batch", batch).encode();
    post("/v1/batch", body)
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertError(response, 400, null, "a batch must be at most 512000 bytes");
                          assertThat(store.events).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_refuse_an_oversized_chunked_batch_with_400_too(VertxTestContext tc) {
    String chunk = "x".repeat(64 * 1024);
    http.request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setPort(port)
                .setHost("127.0.0.1")
                .setURI("/v1/batch")
                .putHeader("Content-Type", "application/json"))
        .compose(
            request -> {
              request.setChunked(true);
              request.write("{\"batch\":[{\"type\":\"track\",\"blob\":\"");
              for (int i = 0; i < 10; i++) {
                request.write(chunk);
              }
              return request.end("\"}]}").compose(v -> request.response());
            })
        .compose(response -> response.body().map(body -> Map.entry(response.statusCode(), body)))
        .onComplete(
            tc.succeeding(
                answer ->
                    tc.verify(
                        () -> {
                          assertThat(answer.getKey()).isEqualTo(400);
                          assertThat(answer.getValue().toJsonObject().getString("error"))
                              .startsWith("payload too large: a batch must be at most 512000");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_take_the_write_key_from_basic_auth_or_the_body(Vertx vertx, VertxTestContext tc) {
    listen(vertx, new IngestAccess(WriteKeys.of(Map.of("key-shop", "shop")), RateLimiter.NONE))
        .compose(
            keyed -> {
              port = keyed;
              return post("/v1/track", "{\"userId\":\"u1\",\"event\":\"a\"}", "key-shop");
            })
        .compose(
            response -> {
              assertThat(response.statusCode()).isEqualTo(200);
              return post(
                  "/v1/batch",
                  "{\"writeKey\":\"key-shop\",\"batch\":[{\"type\":\"track\",\"userId\":\"u1\","
                      + "\"event\":\"b\"}]}");
            })
        .compose(
            response -> {
              assertThat(response.statusCode()).isEqualTo(200);
              return post("/v1/track", "{\"userId\":\"u1\",\"event\":\"c\"}");
            })
        .compose(
            response -> {
              assertError(response, 401, "authorization", "write key required");
              return post("/v1/track", "{\"userId\":\"u1\",\"event\":\"c\"}", "wrong");
            })
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertError(response, 401, "authorization", "unknown write key");
                          assertThat(store.events)
                              .extracting(Event::type, Event::source)
                              .containsExactly(
                                  org.assertj.core.groups.Tuple.tuple("a", "shop"),
                                  org.assertj.core.groups.Tuple.tuple("b", "shop"));
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_413_over_the_body_limit_of_the_key_source(Vertx vertx, VertxTestContext tc) {
    listen(
            vertx,
            new IngestAccess(
                WriteKeys.of(Map.of("key-shop", "shop")), RateLimiter.NONE, Map.of("shop", 1024)))
        .compose(
            keyed -> {
              port = keyed;
              return post(
                  "/v1/track",
                  "{\"userId\":\"u1\",\"event\":\"" + "x".repeat(2000) + "\"}",
                  "key-shop");
            })
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(413);
                          assertThat(rejected).containsExactly("too_large");
                          assertThat(store.events).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_answer_503_and_store_nothing_when_profiles_cannot_be_written(VertxTestContext tc) {
    profiles.failing = true;
    post("/v1/identify", "{\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\"}}")
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(503);
                          assertThat(response.getHeader("Retry-After")).isEqualTo("1");
                          assertThat(store.events).isEmpty();
                          tc.completeNow();
                        })));
  }

  @Test
  void should_merge_one_users_identify_calls_of_a_batch_into_one_update(VertxTestContext tc) {
    post(
            "/v1/batch",
            """
            {"batch": [
              {"type": "identify", "userId": "u1", "traits": {"plan": "free", "seats": 1},
               "timestamp": "2026-11-23T09:00:00Z"},
              {"type": "identify", "userId": "u1", "traits": {"plan": "pro"},
               "timestamp": "2026-11-23T08:00:00Z"},
              {"type": "identify", "anonymousId": "a9", "traits": {"plan": "pro"}}
            ]}""")
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(200);
                          assertThat(profiles.calls).hasSize(1);
                          ProfileUpdate update = profiles.calls.get(0).get(0);
                          assertThat(profiles.calls.get(0)).hasSize(1);
                          assertThat(update.traits()).isEqualTo(Map.of("plan", "pro", "seats", 1L));
                          assertThat(update.firstSeen())
                              .isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
                          assertThat(update.lastSeen())
                              .isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
                          assertThat(store.events).hasSize(3);
                          tc.completeNow();
                        })));
  }

  private static void assertError(
      HttpResponse<Buffer> response, int status, String field, String containing) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("error")).contains(containing);
    if (field != null) {
      assertThat(body.getString("field")).isEqualTo(field);
    }
  }

  /** An in-memory store with (source, id) dedup. */
  static final class Store implements IngestService {
    final List<Event> events = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    private final Set<String> keys = new HashSet<>();

    @Override
    public synchronized Future<IngestResult> ingest(List<Event> batch) {
      calls.incrementAndGet();
      int accepted = 0;
      for (Event event : batch) {
        if (keys.add(event.source() + "\u0000" + event.id())) {
          events.add(event);
          accepted++;
        }
      }
      return Future.succeededFuture(new IngestResult(accepted, batch.size() - accepted));
    }
  }

  /** Profiles that record what they are given, or fail. */
  static final class RecordingProfiles implements Profiles {
    final List<List<ProfileUpdate>> calls = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    @Override
    public Future<Void> identify(List<ProfileUpdate> updates) {
      if (failing) {
        return Future.failedFuture(new IllegalStateException("profiles down"));
      }
      calls.add(new ArrayList<>(updates));
      return Future.succeededFuture();
    }
  }
}
