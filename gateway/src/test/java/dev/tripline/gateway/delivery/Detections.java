package dev.tripline.gateway.delivery;

import dev.tripline.detectors.Detection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Detections for tests. */
final class Detections {

  private Detections() {}

  static Detection detection(String id, String... destinations) {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("ip", "203.0.113.7");
    key.put("userId", "u123");
    return detection(
        id, "repeat-ip-signups", key, Instant.parse("2026-11-21T10:30:00.140Z"), destinations);
  }

  /** A detection of {@code rule} for {@code key}, detected at {@code detectedAt}. */
  static Detection detection(
      String id, String rule, Map<String, Object> key, Instant detectedAt, String... destinations) {
    return new Detection(
        id,
        rule,
        "3",
        key,
        Instant.parse("2026-11-21T10:29:00Z"),
        Instant.parse("2026-11-21T10:30:00.123Z"),
        3,
        Map.of("count", 3),
        List.of("evt_1", "evt_2", "evt_3"),
        "evt_1",
        "evt_3",
        detectedAt,
        List.of(destinations),
        "high",
        Map.of("team", "growth"));
  }
}
