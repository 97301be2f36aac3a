package dev.tripline.gateway.store;

import dev.tripline.rules.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small canonical events for store tests. */
final class TestEvents {

  static final Instant T0 = Instant.parse("2026-11-21T10:30:00.123Z");

  private TestEvents() {}

  static Event event(String id) {
    return received(id, T0);
  }

  static Event received(String id, Instant receivedAt) {
    return new Event(
        id, "web", "page_view", T0, "u1", null, null, null, Map.of(), Map.of(), receivedAt);
  }

  static List<Event> events(String prefix, int count) {
    List<Event> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(event(prefix + i));
    }
    return events;
  }
}
