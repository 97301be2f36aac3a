package dev.tripline.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.rules.Event;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventDocumentsTest {

  static final Instant AT = Instant.parse("2026-11-21T10:30:00.123Z");

  @Test
  void should_store_times_as_bson_dates_and_leave_absent_fields_out() {
    Event event = new Event("e1", "web", "click", AT, null, null, null, null, null, null, AT);

    JsonObject doc = EventDocuments.toDocument(event);

    assertThat(doc.getJsonObject("timestamp"))
        .isEqualTo(new JsonObject().put("$date", AT.toString()));
    assertThat(doc.getJsonObject("receivedAt"))
        .isEqualTo(new JsonObject().put("$date", AT.toString()));
    assertThat(doc.fieldNames())
        .containsExactly(
            "id", "source", "type", "timestamp", "properties", "context", "receivedAt");
  }

  @Test
  void should_store_nested_maps_and_lists_as_sub_documents_and_arrays() {
    Event event =
        new Event(
            "e1",
            "web",
            "click",
            AT,
            "u1",
            "a1",
            "203.0.113.7",
            new Event.Geo(1.5, 2.5, null),
            Map.of("cart", Map.of("items", List.of(Map.of("sku", "A1")))),
            Map.of(),
            AT);

    JsonObject doc = EventDocuments.toDocument(event);

    assertThat(doc.getJsonObject("properties").getJsonObject("cart").getJsonArray("items"))
        .isEqualTo(new JsonArray().add(new JsonObject().put("sku", "A1")));
    assertThat(doc.getJsonObject("geo"))
        .isEqualTo(new JsonObject().put("lat", 1.5).put("lon", 2.5));
    assertThat(EventDocuments.fromDocument(doc)).isEqualTo(event);
  }

  @Test
  void should_read_int32_numbers_written_by_other_tools_as_long() {
    JsonObject doc =
        EventDocuments.toDocument(
                new Event("e1", "web", "click", AT, null, null, null, null, null, null, AT))
            .put("properties", new JsonObject().put("qty", 2).put("ratio", 0.5f));

    Event event = EventDocuments.fromDocument(doc);

    assertThat(event.properties()).containsEntry("qty", 2L).containsEntry("ratio", 0.5d);
  }

  @Test
  void should_name_the_field_when_a_document_is_not_an_event() {
    JsonObject doc =
        EventDocuments.toDocument(
                new Event("e1", "web", "click", AT, null, null, null, null, null, null, AT))
            .put("receivedAt", "yesterday");

    assertThatThrownBy(() -> EventDocuments.fromDocument(doc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("receivedAt: must be a date ({\"$date\": ...}), was yesterday");
  }
}
