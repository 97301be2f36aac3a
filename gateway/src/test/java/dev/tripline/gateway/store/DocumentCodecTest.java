package dev.tripline.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.rules.Event;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.impl.codec.json.JsonObjectCodec;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bson.BsonBinaryWriter;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The direct event path writes exactly the bytes Vert.x's generic codec writes for the same event.
 */
class DocumentCodecTest {

  static final Instant AT = Instant.parse("2026-11-21T10:30:00.123456Z");

  static Stream<Event> events() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("plan", "free");
    properties.put("price", 12.5);
    properties.put("qty", 3L);
    properties.put("gift", false);
    properties.put("coupon", null);
    properties.put("tags", List.of("a", "ü€😀", 7L, List.of()));
    properties.put("cart", Map.of("items", List.of(Map.of("sku", "A1", "n", 2L))));
    return Stream.of(
        new Event("e1", "web", "click", AT, null, null, null, null, null, null, AT),
        new Event(
            "e2",
            "shop",
            "add_to_cart",
            AT,
            "u1",
            "anon-1",
            "203.0.113.7",
            new Event.Geo(48.8566, 2.3522, 12.0),
            properties,
            Map.of("userAgent", "curl/8"),
            AT.plusSeconds(1)),
        new Event(
            "e3",
            "app",
            "login",
            Instant.EPOCH,
            "u2",
            null,
            "::1",
            new Event.Geo(-33.9, 151.2, null),
            Map.of(),
            Map.of(),
            AT));
  }

  @ParameterizedTest
  @MethodSource("events")
  void should_write_the_same_bytes_as_the_generic_codec(Event event) {
    for (boolean collectible : new boolean[] {true, false}) {
      for (boolean withId : new boolean[] {true, false}) {
        JsonObject generic = EventDocuments.toDocument(event);
        EventDocument direct = new EventDocument(event);
        if (withId) {
          generic.put("_id", "6560a1b2c3d4e5f6a7b8c9d0");
          direct.put("_id", "6560a1b2c3d4e5f6a7b8c9d0");
        }

        byte[] expected = encode(new JsonObjectCodec(new JsonObject()), generic, collectible);
        byte[] actual = encode(new DocumentCodec(new JsonObject()), direct, collectible);

        assertThat(actual)
            .as("collectible %s, with _id %s", collectible, withId)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void should_write_an_event_without_building_its_json_fields() {
    EventDocument document = new EventDocument(events().skip(1).findFirst().orElseThrow());
    DocumentCodec codec = new DocumentCodec(new JsonObject());

    codec.generateIdIfAbsentFromDocument(document);
    assertThat(codec.documentHasId(document)).isTrue();
    encode(codec, document, true);

    assertThat(document.built()).as("fields built on the insert path").isFalse();
    assertThat(document.getString("type")).isEqualTo("add_to_cart");
    assertThat(document.built()).isTrue();
  }

  @Test
  void should_encode_other_documents_as_the_generic_codec_does() {
    JsonObject other =
        new JsonObject()
            .put("ruleId", "burst")
            .put("at", new JsonObject().put("$date", "2026-11-21T10:30:00Z"))
            .put("n", 3);

    assertThat(encode(new DocumentCodec(new JsonObject()), other, true))
        .isEqualTo(encode(new JsonObjectCodec(new JsonObject()), other, true));
  }

  @Test
  void should_be_an_ordinary_complete_json_document_to_everyone_else() {
    Event event = events().skip(1).findFirst().orElseThrow();

    // JsonObject.equals also compares classes, so compare the content
    assertThat(new JsonObject(new EventDocument(event).getMap()))
        .isEqualTo(EventDocuments.toDocument(event));
  }

  @Test
  void should_refuse_a_value_no_event_holds() {
    Event odd =
        new Event(
            "e4", "web", "click", AT, null, null, null, null, Map.of("x", new Object()), null, AT);

    assertThatThrownBy(() -> encode(new DocumentCodec(new JsonObject()), oddDocument(odd), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
  }

  private static EventDocument oddDocument(Event event) {
    try {
      return new EventDocument(event);
    } catch (RuntimeException e) {
      throw new AssertionError("building the document should not encode it", e);
    }
  }

  private static byte[] encode(JsonObjectCodec codec, JsonObject document, boolean collectible) {
    BasicOutputBuffer out = new BasicOutputBuffer();
    try (BsonBinaryWriter writer = new BsonBinaryWriter(out)) {
      codec.encode(
          writer,
          document,
          EncoderContext.builder().isEncodingCollectibleDocument(collectible).build());
    }
    return Arrays.copyOf(out.getInternalBuffer(), out.getPosition());
  }
}
