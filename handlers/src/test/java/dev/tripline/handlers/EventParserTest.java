package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.rules.Event;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventParserTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:30:00.140Z");
  private static final EventParser.Arrival ARRIVAL =
      EventParser.Arrival.open("api", "203.0.113.7", NOW);

  private final EventParser parser = new EventParser(Duration.ofMinutes(10), () -> "evt_fixed");

  @Test
  void should_normalise_a_full_event_into_plain_java_values() {
    JsonObject json =
        new JsonObject(
            """
            {"id": "e1", "source": "web", "type": "add_to_cart",
             "timestamp": "2026-11-21T12:30:00.123+02:00",
             "userId": "u123", "anonymousId": "a-77",
             "geo": {"lat": 37, "lon": 126.97, "accuracyM": 30},
             "properties": {"cartId": "c9", "qty": 2, "price": 19.9, "tags": [1, "a", null],
                            "nested": {"ok": true}},
             "context": {"page": {"url": "https://example.invalid"}},
             "ip": "198.51.100.1", "receivedAt": "2000-01-01T00:00:00Z"}
            """);

    Event event = parser.parse(json, ARRIVAL);

    assertThat(event.id()).isEqualTo("e1");
    assertThat(event.source()).isEqualTo("web");
    assertThat(event.type()).isEqualTo("add_to_cart");
    assertThat(event.timestamp()).isEqualTo(Instant.parse("2026-11-21T10:30:00.123Z"));
    assertThat(event.userId()).isEqualTo("u123");
    assertThat(event.anonymousId()).isEqualTo("a-77");
    assertThat(event.geo()).isEqualTo(new Event.Geo(37.0, 126.97, 30.0));
    assertThat(event.properties().get("qty")).isEqualTo(2L);
    assertThat(event.properties().get("price")).isEqualTo(19.9);
    assertThat(event.properties().get("tags")).isEqualTo(java.util.Arrays.asList(1L, "a", null));
    assertThat(event.properties().get("nested")).isEqualTo(Map.of("ok", true));
    assertThat(event.context().get("page")).isInstanceOf(Map.class);
    // the gateway's facts win over the body's claims
    assertThat(event.ip()).isEqualTo("203.0.113.7");
    assertThat(event.receivedAt()).isEqualTo(NOW);
  }

  @Test
  void should_return_immutable_properties() {
    Event event =
        parser.parse(new JsonObject("{\"type\":\"t\",\"properties\":{\"l\":[1]}}"), ARRIVAL);

    assertThatThrownBy(() -> event.properties().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<?>) event.properties().get("l")).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void should_fill_defaults_when_optional_fields_are_absent() {
    Event event = parser.parse(new JsonObject("{\"type\":\"page_view\"}"), ARRIVAL);

    assertThat(event.id()).isEqualTo("evt_fixed");
    assertThat(event.source()).isEqualTo("api");
    assertThat(event.timestamp()).isEqualTo(NOW);
    assertThat(event.geo()).isNull();
    assertThat(event.properties()).isEmpty();
  }

  @Test
  void should_let_an_open_arrival_name_any_source() {
    Event event = parser.parse(new JsonObject().put("type", "t").put("source", "mobile"), ARRIVAL);

    assertThat(event.source()).isEqualTo("mobile");
  }

  @Test
  void should_attribute_to_a_bound_source_an_event_that_names_none_or_the_same() {
    EventParser.Arrival web = EventParser.Arrival.bound("web", null, NOW);

    assertThat(parser.parse(new JsonObject().put("type", "t"), web).source()).isEqualTo("web");
    assertThat(parser.parse(new JsonObject().put("type", "t").put("source", "web"), web).source())
        .isEqualTo("web");
  }

  @Test
  void should_refuse_an_event_that_names_another_source_than_the_bound_one() {
    EventParser.Arrival web = EventParser.Arrival.bound("web", null, NOW);

    assertThatThrownBy(
            () ->
                parser.parse(
                    new JsonObject().put("type", "t").put("id", "x").put("source", "mobile"), web))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo("source");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "source: must be \"web\", the source of the write key, or left out;"
                          + " was \"mobile\"");
            });
  }

  @Test
  void should_take_the_id_from_segment_message_id() {
    Event event = parser.parse(new JsonObject("{\"type\":\"t\",\"messageId\":\"m-1\"}"), ARRIVAL);

    assertThat(event.id()).isEqualTo("m-1");
  }

  @Test
  void should_accept_id_and_message_id_when_equal() {
    Event event =
        parser.parse(new JsonObject("{\"type\":\"t\",\"id\":\"x\",\"messageId\":\"x\"}"), ARRIVAL);

    assertThat(event.id()).isEqualTo("x");
  }

  @Test
  void should_accept_a_timestamp_just_within_the_clock_skew() {
    Event event =
        parser.parse(
            new JsonObject("{\"type\":\"t\",\"timestamp\":\"2026-11-21T10:40:00.140Z\"}"), ARRIVAL);

    assertThat(event.timestamp()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
  }

  @Test
  void should_accept_the_earliest_representable_timestamp() {
    Event event =
        parser.parse(
            new JsonObject("{\"type\":\"t\",\"timestamp\":\"1970-01-01T00:00:00Z\"}"), ARRIVAL);

    assertThat(event.timestamp()).isEqualTo(EventTimes.EARLIEST);
  }

  static Stream<Arguments> badEvents() {
    String longType = "x".repeat(129);
    return Stream.of(
        Arguments.of("{}", "type", "type: must be a non-empty string, was null"),
        Arguments.of("{\"type\":42}", "type", "type: must be a non-empty string, was 42"),
        Arguments.of("{\"type\":\"  \"}", "type", "type: must be a non-empty string, was \"  \""),
        Arguments.of(
            "{\"type\":\"" + longType + "\"}", "type", "type: must be at most 128 characters"),
        Arguments.of("{\"type\":\"t\",\"id\":\"\"}", "id", "id: must be a string of 1..256"),
        Arguments.of("{\"type\":\"t\",\"id\":7}", "id", "id: must be a string of 1..256"),
        Arguments.of(
            "{\"type\":\"t\",\"context\":{\"a\":{\"k\\u0000\":1}}}",
            "context.a",
            "context.a: field names must not contain the NUL character"),
        Arguments.of(
            "{\"type\":\"t\",\"id\":\"a\",\"messageId\":\"b\"}",
            "messageId",
            "messageId: must equal id when both are given"),
        Arguments.of(
            "{\"type\":\"t\",\"source\":\"we b\"}",
            "source",
            "source: must match [A-Za-z0-9._-]{1,64}, was \"we b\""),
        Arguments.of(
            "{\"type\":\"t\",\"timestamp\":\"yesterday\"}",
            "timestamp",
            "timestamp: must be an ISO-8601 instant"),
        Arguments.of(
            "{\"type\":\"t\",\"timestamp\":\"2026-11-21T10:30:00\"}",
            "timestamp",
            "timestamp: must be an ISO-8601 instant"),
        Arguments.of(
            "{\"type\":\"t\",\"timestamp\":1763721000}",
            "timestamp",
            "timestamp: must be an ISO-8601 instant"),
        Arguments.of(
            "{\"type\":\"t\",\"timestamp\":\"2026-11-21T10:40:00.141Z\"}",
            "timestamp",
            "timestamp: must not be more than 600s after"),
        Arguments.of(
            "{\"type\":\"t\",\"timestamp\":\"-999999999-01-01T00:00:00Z\"}",
            "timestamp",
            "timestamp: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z,"
                + " was \"-999999999-01-01T00:00:00Z\""),
        Arguments.of(
            "{\"type\":\"t\",\"timestamp\":\"+999999999-12-31T23:59:59Z\"}",
            "timestamp",
            "timestamp: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z"),
        Arguments.of(
            "{\"type\":\"t\",\"timestamp\":\"+10000-01-01T00:00:00Z\"}",
            "timestamp",
            "timestamp: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z"),
        Arguments.of(
            "{\"type\":\"t\",\"timestamp\":\"1969-12-31T23:59:59.999Z\"}",
            "timestamp",
            "timestamp: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z"),
        Arguments.of(
            "{\"type\":\"t\",\"userId\":\"" + "u".repeat(257) + "\"}",
            "userId",
            "userId: must be a string of 1..256 characters, was \"uuuu"),
        Arguments.of(
            "{\"type\":\"t\",\"anonymousId\":false}",
            "anonymousId",
            "anonymousId: must be a string of 1..256 characters, was false"),
        Arguments.of("{\"type\":\"t\",\"geo\":[1,2]}", "geo", "geo: must be an object"),
        Arguments.of(
            "{\"type\":\"t\",\"geo\":{\"lat\":\"37\",\"lon\":1}}",
            "geo.lat",
            "geo.lat: must be a number in -90..90, was \"37\""),
        Arguments.of(
            "{\"type\":\"t\",\"geo\":{\"lat\":91,\"lon\":1}}",
            "geo.lat",
            "geo.lat: must be a number in -90..90, was 91"),
        Arguments.of(
            "{\"type\":\"t\",\"geo\":{\"lat\":1}}",
            "geo.lon",
            "geo.lon: must be a number in -180..180, was null"),
        Arguments.of(
            "{\"type\":\"t\",\"geo\":{\"lat\":1,\"lon\":1,\"accuracyM\":-1}}",
            "geo.accuracyM",
            "geo.accuracyM: must be a number >= 0, was -1"),
        Arguments.of(
            "{\"type\":\"t\",\"geo\":{\"lat\":1,\"lon\":1,\"alt\":3}}",
            "geo.alt",
            "geo.alt: unknown field"),
        Arguments.of(
            "{\"type\":\"t\",\"properties\":[1]}",
            "properties",
            "properties: must be an object, was an array"),
        Arguments.of(
            "{\"type\":\"t\",\"context\":\"ua\"}",
            "context",
            "context: must be an object, was \"ua\""),
        Arguments.of(
            "{\"type\":\"t\",\"properties\":{\"big\":123456789012345678901234567890}}",
            "properties.big",
            "properties.big: must be an integer within 64 bits"),
        Arguments.of(
            "{\"type\":\"t\",\"properties\":{\"a\":[1e999]}}",
            "properties.a[0]",
            "properties.a[0]: must be a finite number"),
        Arguments.of(
            "{\"type\":\"t\",\"userid\":\"u1\"}",
            "userid",
            "userid: unknown field; did you mean \"userId\"?"),
        Arguments.of(
            "{\"type\":\"t\",\"tmestamp\":\"x\"}",
            "tmestamp",
            "tmestamp: unknown field; did you mean \"timestamp\"?"),
        Arguments.of(
            "{\"type\":\"t\",\"colour\":\"red\"}",
            "colour",
            "colour: unknown field; allowed: type"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("badEvents")
  void should_reject_invalid_event_naming_field_and_constraint(
      String json, String field, String message) {
    assertThatThrownBy(() -> parser.parse(new JsonObject(json), ARRIVAL))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.index()).isNull();
              assertThat(e.getMessage()).startsWith(message);
            });
  }

  @Test
  void should_truncate_long_values_in_messages() {
    String huge = "y".repeat(10_000);

    assertThatThrownBy(() -> parser.parse(new JsonObject().put("type", 1).put("id", huge), ARRIVAL))
        .hasMessageNotContaining(huge);
    assertThatThrownBy(
            () -> parser.parse(new JsonObject().put("type", "t").put("source", huge), ARRIVAL))
        .hasMessageContaining("...")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }
}
