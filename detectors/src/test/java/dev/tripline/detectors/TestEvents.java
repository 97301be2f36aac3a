package dev.tripline.detectors;

import dev.tripline.rules.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds canonical events at offsets from a fixed event time. */
final class TestEvents {

  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  private String id;
  private String type = "signup";
  private Instant timestamp = T0;
  private String userId;
  private String ip;
  private Event.Geo geo;
  private final Map<String, Object> properties = new LinkedHashMap<>();

  private TestEvents(String id) {
    this.id = id;
  }

  static TestEvents event(String id) {
    return new TestEvents(id);
  }

  TestEvents type(String type) {
    this.type = type;
    return this;
  }

  TestEvents at(Duration sinceT0) {
    this.timestamp = T0.plus(sinceT0);
    return this;
  }

  TestEvents atSeconds(long sinceT0) {
    return at(Duration.ofSeconds(sinceT0));
  }

  TestEvents atMillis(long sinceT0) {
    return at(Duration.ofMillis(sinceT0));
  }

  TestEvents user(String userId) {
    this.userId = userId;
    return this;
  }

  TestEvents ip(String ip) {
    this.ip = ip;
    return this;
  }

  TestEvents geo(double lat, double lon) {
    return geo(lat, lon, null);
  }

  TestEvents geo(double lat, double lon, Double accuracyM) {
    this.geo = new Event.Geo(lat, lon, accuracyM);
    return this;
  }

  TestEvents property(String name, Object value) {
    properties.put(name, value);
    return this;
  }

  Event build() {
    return new Event(
        id, "test", type, timestamp, userId, null, ip, geo, properties, Map.of(), timestamp);
  }
}
