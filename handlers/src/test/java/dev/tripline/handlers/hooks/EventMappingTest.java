package dev.tripline.handlers.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.handlers.HttpException;
import dev.tripline.rules.ConditionIssue;
import dev.tripline.rules.InvalidConditionException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventMappingTest {

  private static final JsonObject PUSH =
      new JsonObject(
          "{\"ref\":\"refs/heads/main\",\"sender\":{\"login\":\"octocat\",\"id\":583231},"
              + "\"repository\":{\"full_name\":\"octo-org/hello\"},\"created\":1763892000}");

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  private static EventMapping mapping(Scheme scheme, String... fieldsAndValues) {
    Map<String, EventMapping.Value> explicit = new LinkedHashMap<>();
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      explicit.put(
          fieldsAndValues[i],
          EventMapping.Value.compile(fieldsAndValues[i], fieldsAndValues[i + 1]));
    }
    return EventMapping.of(scheme, explicit);
  }

  @Test
  void should_fill_fields_from_the_schemes_defaults_and_keep_the_payload_as_properties() {
    JsonObject event =
        mapping(Scheme.GITHUB)
            .apply(PUSH, headers("X-GitHub-Event", "push", "X-GitHub-Delivery", "d-1"));

    assertThat(event.getString("type")).isEqualTo("push");
    assertThat(event.getString("id")).isEqualTo("d-1");
    assertThat(event.getJsonObject("properties")).isEqualTo(PUSH);
    assertThat(event.fieldNames()).containsExactlyInAnyOrder("type", "id", "properties");
  }

  @Test
  void should_map_with_cel_over_body_and_headers_and_with_json_pointers() {
    JsonObject event =
        mapping(
                Scheme.GITHUB,
                "type",
                "'github.' + headers['x-github-event']",
                "userId",
                "/sender/login",
                "anonymousId",
                "body.sender.id",
                "properties",
                "{'repo': body.repository.full_name, 'ref': body.ref}",
                "context",
                "{'delivery': headers['x-github-delivery']}")
            .apply(PUSH, headers("X-GitHub-Event", "push", "X-GitHub-Delivery", "d-1"));

    assertThat(event)
        .isEqualTo(
            new JsonObject()
                .put("type", "github.push")
                .put("id", "d-1")
                .put("userId", "octocat")
                .put("anonymousId", "583231")
                .put(
                    "properties",
                    new JsonObject().put("repo", "octo-org/hello").put("ref", "refs/heads/main"))
                .put("context", new JsonObject().put("delivery", "d-1")));
  }

  @Test
  void should_make_integer_timestamps_unix_seconds_and_keep_iso_ones() {
    assertThat(
            mapping(Scheme.HMAC, "type", "'t'", "timestamp", "body.created")
                .apply(PUSH, headers())
                .getString("timestamp"))
        .isEqualTo("2025-11-23T10:00:00Z");
    assertThat(
            mapping(Scheme.HMAC, "type", "'t'", "timestamp", "timestamp('2026-01-02T03:04:05Z')")
                .apply(PUSH, headers())
                .getString("timestamp"))
        .isEqualTo("2026-01-02T03:04:05Z");
  }

  @Test
  void should_answer_400_to_integer_timestamps_outside_the_representable_range() {
    for (long seconds : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, -1, 253_402_300_800L}) {
      JsonObject body = new JsonObject().put("created", seconds);
      assertThatThrownBy(
              () ->
                  mapping(Scheme.HMAC, "type", "'t'", "timestamp", "body.created")
                      .apply(body, headers()))
          .as("%d", seconds)
          .isInstanceOfSatisfying(
              HttpException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.field()).isEqualTo("map.timestamp");
                assertThat(e.getMessage())
                    .startsWith("map.timestamp: must be Unix seconds from 0 to 253402300799")
                    .endsWith("was " + seconds);
              });
    }
  }

  @Test
  void should_answer_400_rather_than_throw_when_cel_timestamp_arithmetic_overflows() {
    // CEL refuses timestamps outside years 1..9999 itself; whatever it refuses is the map's 400
    assertThatThrownBy(
            () ->
                mapping(
                        Scheme.HMAC,
                        "type",
                        "'t'",
                        "timestamp",
                        "timestamp('9999-12-31T23:59:59Z') + duration('86400s')")
                    .apply(PUSH, headers()))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo("map.timestamp");
            });
  }

  @Test
  void should_leave_out_a_field_whose_expression_gives_null() {
    JsonObject event =
        mapping(Scheme.HMAC, "type", "'t'", "userId", "has(body.user) ? body.user : null")
            .apply(PUSH, headers());
    assertThat(event.containsKey("userId")).isFalse();
  }

  @Test
  void should_answer_400_naming_the_map_field_the_payload_cannot_fill() {
    assertThatThrownBy(
            () -> mapping(Scheme.HMAC, "type", "'t'", "userId", "/user/id").apply(PUSH, headers()))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo("map.userId");
              assertThat(e.getMessage())
                  .isEqualTo("map.userId: `/user/id` found nothing in the payload");
            });
    assertThatThrownBy(() -> mapping(Scheme.HMAC, "type", "body.kind").apply(PUSH, headers()))
        .isInstanceOfSatisfying(
            HttpException.class,
            e ->
                assertThat(e.getMessage())
                    .isEqualTo(
                        "map.type: cannot evaluate `body.kind` on this request: key 'kind' is"
                            + " not present in map."));
  }

  @Test
  void should_skip_a_default_the_payload_lacks_but_not_the_type() {
    JsonObject event =
        mapping(Scheme.STRIPE).apply(new JsonObject().put("type", "invoice.paid"), headers());
    assertThat(event.fieldNames()).containsExactlyInAnyOrder("type", "properties");

    assertThatThrownBy(() -> mapping(Scheme.GITHUB).apply(PUSH, headers()))
        .isInstanceOfSatisfying(
            HttpException.class,
            e ->
                assertThat(e.getMessage())
                    .isEqualTo(
                        "map.type: cannot evaluate `headers['x-github-event']` on this request:"
                            + " no such key x-github-event (the scheme's default)"));
  }

  @Test
  void should_refuse_at_compile_time_what_a_field_cannot_hold() {
    assertThatThrownBy(() -> EventMapping.Value.compile("userId", "body.a > 1"))
        .isInstanceOfSatisfying(
            InvalidConditionException.class,
            e ->
                assertThat(e.issues())
                    .extracting(ConditionIssue::message)
                    .containsExactly("must give a string, gives bool"));
    assertThatThrownBy(() -> EventMapping.Value.compile("properties", "'text'"))
        .isInstanceOfSatisfying(
            InvalidConditionException.class,
            e ->
                assertThat(e.issues())
                    .extracting(ConditionIssue::message)
                    .containsExactly("must give a map, gives string"));
    assertThatThrownBy(() -> EventMapping.Value.compile("type", "bdy.type"))
        .isInstanceOfSatisfying(
            InvalidConditionException.class,
            e ->
                assertThat(e.issues())
                    .extracting(ConditionIssue::message)
                    .containsExactly("undeclared reference to 'bdy'"));
    assertThatThrownBy(() -> EventMapping.Value.compile("type", "/a/~2"))
        .isInstanceOf(InvalidConditionException.class);
  }

  @Test
  void should_bring_cel_numbers_and_timestamps_into_json_shapes() {
    JsonObject event =
        mapping(
                Scheme.HMAC,
                "type",
                "'t'",
                "properties",
                "{'u': uint(7), 'd': 1.5, 'n': 3, 'at': timestamp('2026-01-02T03:04:05Z'),"
                    + " 'none': null}")
            .apply(PUSH, headers());
    assertThat(event.getJsonObject("properties"))
        .isEqualTo(
            new JsonObject()
                .put("u", 7L)
                .put("d", 1.5)
                .put("n", 3L)
                .put("at", "2026-01-02T03:04:05Z")
                .putNull("none"));
  }
}
