package dev.tripline.gateway.store;

import static dev.tripline.gateway.store.StoreFixture.await;
import static dev.tripline.gateway.store.TestEvents.event;
import static dev.tripline.gateway.store.TestEvents.received;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.rules.Event;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class MongoEventStoreTest {

  @TempDir Path dataDir;
  StoreFixture fixture;

  @BeforeEach
  void start(Vertx vertx) {
    fixture = new StoreFixture(vertx, dataDir);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void should_create_the_h2_file_in_the_data_dir() {
    assertThat(dataDir.resolve("tripline.mv.db")).satisfies(file -> assertThat(Files.exists(file)));
    assertThat(fixture.server.connectionString())
        .isEqualTo("mongodb://127.0.0.1:" + fixture.server.port());
    assertThat(fixture.server.port()).isPositive();
  }

  @Test
  void should_insert_new_events_and_report_duplicates_by_index() {
    WriteOutcome first = await(fixture.store.insert(List.of(event("a"), event("b"))));
    WriteOutcome second =
        await(fixture.store.insert(List.of(event("b"), event("c"), event("c"), event("d"))));

    assertThat(first).isEqualTo(WriteOutcome.allInserted(2));
    assertThat(second.inserted()).isEqualTo(2);
    assertThat(second.duplicateIndexes()).containsExactly(0, 2);
    assertThat(await(fixture.store.count())).isEqualTo(4);
    assertThat(fixture.storedIds()).containsExactlyInAnyOrder("a", "b", "c", "d");
  }

  @Test
  void should_treat_the_same_id_from_another_source_as_a_new_event() {
    Event web = event("same");
    Event shop =
        new Event(
            "same",
            "shop",
            "order",
            web.timestamp(),
            null,
            null,
            null,
            null,
            Map.of(),
            Map.of(),
            web.receivedAt());

    WriteOutcome outcome = await(fixture.store.insert(List.of(web, shop)));

    assertThat(outcome).isEqualTo(WriteOutcome.allInserted(2));
  }

  @Test
  void should_store_events_as_documents_that_read_back_equal() {
    Event event =
        new Event(
            "e1",
            "web",
            "add_to_cart",
            Instant.parse("2026-11-21T10:30:00.123Z"),
            "u123",
            "a-77",
            "203.0.113.7",
            new Event.Geo(37.56, 126.97, 30.0),
            Map.of("cartId", "c9", "qty", 2L, "price", 19.9, "tags", List.of("x", "y")),
            Map.of("page", Map.of("url", "https://shop.example/p/1")),
            Instant.parse("2026-11-21T10:30:00.140Z"));
    await(fixture.store.insert(List.of(event)));

    JsonObject stored =
        await(
            fixture.client.findOne(
                EventStoreOptions.DEFAULT_COLLECTION, new JsonObject().put("id", "e1"), null));

    assertThat(stored.getValue("receivedAt")).isInstanceOf(JsonObject.class);
    assertThat(EventDocuments.fromDocument(stored)).isEqualTo(event);
  }

  @Test
  void should_store_property_names_with_dots_and_dollars_as_they_are() {
    Map<String, Object> properties = new java.util.LinkedHashMap<>();
    properties.put("$where", "x");
    properties.put("a.b", 1L);
    properties.put("$date", "2026-11-21T10:30:00Z");
    properties.put("nested", Map.of("$oid", "not-an-id", "c.d", true));
    Event event =
        new Event(
            "odd-keys",
            "web",
            "click",
            Instant.parse("2026-11-21T10:30:00.123Z"),
            null,
            null,
            null,
            null,
            properties,
            Map.of(),
            Instant.parse("2026-11-21T10:30:00.140Z"));

    WriteOutcome outcome = await(fixture.store.insert(List.of(event, event("plain"))));

    assertThat(outcome.inserted()).isEqualTo(2);
    JsonObject stored =
        await(
            fixture.client.findOne(
                EventStoreOptions.DEFAULT_COLLECTION,
                new JsonObject().put("id", "odd-keys"),
                null));
    assertThat(EventDocuments.fromDocument(stored)).isEqualTo(event);
  }

  @Test
  void should_delete_exactly_the_events_received_before_the_cutoff() {
    Instant cutoff = Instant.parse("2026-10-01T00:00:00Z");
    await(
        fixture.store.insert(
            List.of(
                received("old", cutoff.minusMillis(1)),
                received("edge", cutoff),
                received("new", cutoff.plusSeconds(60)))));

    long deleted = await(fixture.store.deleteReceivedBefore(cutoff));

    assertThat(deleted).isEqualTo(1);
    assertThat(fixture.storedIds()).containsExactlyInAnyOrder("edge", "new");
  }

  @Test
  void should_fail_with_store_unavailable_when_the_server_is_gone() {
    fixture.server.close();
    fixture.server = null;

    assertThatThrownBy(() -> await(fixture.store.insert(List.of(event("a")))))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageStartingWith("cannot insert events");
  }
}
