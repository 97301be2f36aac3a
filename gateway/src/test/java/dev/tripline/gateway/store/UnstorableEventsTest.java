package dev.tripline.gateway.store;

import static dev.tripline.gateway.store.StoreFixture.await;
import static dev.tripline.gateway.store.TestEvents.T0;
import static dev.tripline.gateway.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.rules.Event;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link EventStore#unstorable} finds exactly what would fail a real insert, before it is sent. */
@ExtendWith(VertxExtension.class)
class UnstorableEventsTest {

  StoreFixture fixture;

  @BeforeEach
  void start(Vertx vertx) {
    fixture = new StoreFixture(vertx, EmbeddedMongoOptions.memory());
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  static Event withTimes(String id, Instant timestamp, Instant receivedAt) {
    return new Event(
        id, "web", "page_view", timestamp, "u1", null, null, null, Map.of(), Map.of(), receivedAt);
  }

  static Event withProperties(String id, Map<String, Object> properties) {
    return new Event(id, "web", "page_view", T0, "u1", null, null, null, properties, Map.of(), T0);
  }

  /** A map nested deeper than BSON writers go (1024 levels). */
  static Map<String, Object> nested(int depth) {
    Map<String, Object> map = Map.of();
    for (int i = 0; i < depth; i++) {
      map = Map.of("n", map);
    }
    return map;
  }

  static Stream<Arguments> unstorable() {
    return Stream.of(
        Arguments.of(
            withTimes("min", Instant.MIN, T0),
            "timestamp",
            "timestamp: must be within a BSON date's range (milliseconds since 1970 in 64 bits),"
                + " was -1000000000-01-01T00:00:00Z"),
        Arguments.of(
            withTimes("max", T0, Instant.MAX),
            "receivedAt",
            "receivedAt: must be within a BSON date's range"),
        Arguments.of(
            withProperties("big", Map.of("blob", "x".repeat(16 * 1024 * 1024))),
            null,
            "event: must be at most 16777199 bytes as a BSON document (MongoDB's limit), was"),
        Arguments.of(
            withProperties("deep", nested(1100)), null, "event: cannot be encoded as BSON: "));
  }

  @ParameterizedTest
  @MethodSource("unstorable")
  void should_find_an_event_that_would_fail_the_insert_naming_index_and_field(
      Event bad, String field, String reason) {
    List<Event> events = List.of(event("a"), bad, event("b"));

    List<UnstorableEvent> found = fixture.store.unstorable(events);

    assertThat(found).hasSize(1);
    assertThat(found.get(0).index()).isEqualTo(1);
    assertThat(found.get(0).field()).isEqualTo(field);
    assertThat(found.get(0).reason()).startsWith(reason);
    // the premise: inserted anyway, it fails the whole write, not only itself
    assertThatThrownBy(() -> await(fixture.store.insert(List.of(bad))))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void should_find_nothing_in_storable_events_at_the_edges_of_the_range() {
    List<Event> events =
        List.of(
            event("a"),
            withTimes("epoch", Instant.EPOCH, T0),
            withTimes("late", Instant.parse("9999-12-31T23:59:59.999Z"), T0),
            withProperties("names", Map.of("$date", "not a date", "a.b", 1L, "", "empty")));

    assertThat(fixture.store.unstorable(events)).isEmpty();
    assertThat(await(fixture.store.insert(events))).isEqualTo(WriteOutcome.allInserted(4));
  }
}
