package dev.tripline.rules;

import java.time.Instant;
import java.util.Map;

/** Builds events for tests. */
final class TestEvents {

  static final Instant T0 = Instant.parse("2026-11-21T10:30:00Z");

  private TestEvents() {}

  static Event event(String type, Map<String, Object> properties) {
    return new Event(
        "evt_1",
        "web",
        type,
        T0,
        "u123",
        null,
        "203.0.113.7",
        new Event.Geo(37.56, 126.97, null),
        properties,
        Map.of("page", Map.of("url", "https://shop.example/cart")),
        T0);
  }
}
