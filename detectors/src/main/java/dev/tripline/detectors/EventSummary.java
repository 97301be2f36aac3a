package dev.tripline.detectors;

import dev.tripline.rules.Event;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A compact, bounded copy of the event that made a detection fire, so that a destination can act on
 * it (who, where, what) without reading the event store.
 *
 * <p>It is kept with every pending timer (a rule may hold a million), so it is bounded: {@code
 * properties} keeps at most {@link #MAX_PROPERTIES} top-level properties, in the event's order, and
 * only scalar values (text, numbers, booleans, null); text longer than {@link #MAX_TEXT} characters
 * is cut to that length, nested objects and arrays are left out. {@code truncated} says whether
 * anything was left out or cut. The event's {@code context} is never copied.
 *
 * @param id the event's id
 * @param source where it came from
 * @param type its type
 * @param timestamp its event time
 * @param userId the known user, or null
 * @param anonymousId the anonymous visitor, or null
 * @param ip the client address, or null
 * @param geo its geo point, or null
 * @param properties the bounded copy of its properties, never null
 * @param truncated whether a property was left out or cut
 */
public record EventSummary(
    String id,
    String source,
    String type,
    Instant timestamp,
    String userId,
    String anonymousId,
    String ip,
    Event.Geo geo,
    Map<String, Object> properties,
    boolean truncated) {

  /** The most top-level properties a summary keeps. */
  public static final int MAX_PROPERTIES = 10;

  /** The most characters a text property keeps. */
  public static final int MAX_TEXT = 100;

  public EventSummary {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timestamp, "timestamp");
    properties =
        properties == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /** The summary of {@code event}, its properties bounded as described above. */
  public static EventSummary of(Event event) {
    Map<String, Object> kept = new LinkedHashMap<>();
    boolean truncated = false;
    for (Map.Entry<String, Object> property : event.properties().entrySet()) {
      Object value = property.getValue();
      if (kept.size() == MAX_PROPERTIES || !isScalar(value)) {
        truncated = true;
        continue;
      }
      if (value instanceof String text && text.length() > MAX_TEXT) {
        value = text.substring(0, MAX_TEXT);
        truncated = true;
      }
      kept.put(property.getKey(), value);
    }
    return new EventSummary(
        event.id(),
        event.source(),
        event.type(),
        event.timestamp(),
        event.userId(),
        event.anonymousId(),
        event.ip(),
        event.geo(),
        kept,
        truncated);
  }

  /**
   * This summary as plain values, the shape stored and sent: {@code id, source, type, timestamp}
   * (ISO-8601), then {@code userId, anonymousId, ip, geo} when present, then {@code properties}
   * and, when true, {@code truncated}.
   */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("id", id);
    putIfPresent(map, "source", source);
    map.put("type", type);
    map.put("timestamp", timestamp.toString());
    putIfPresent(map, "userId", userId);
    putIfPresent(map, "anonymousId", anonymousId);
    putIfPresent(map, "ip", ip);
    if (geo != null) {
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("lat", geo.lat());
      point.put("lon", geo.lon());
      putIfPresent(point, "accuracyM", geo.accuracyM());
      map.put("geo", point);
    }
    map.put("properties", properties);
    if (truncated) {
      map.put("truncated", true);
    }
    return map;
  }

  /**
   * The summary {@link #asMap} wrote, read back (numbers may come back as any {@link Number}).
   *
   * @throws IllegalArgumentException when {@code id}, {@code type} or {@code timestamp} is missing
   *     or malformed
   */
  public static EventSummary fromMap(Map<String, ?> map) {
    Object geo = map.get("geo");
    Event.Geo point = null;
    if (geo instanceof Map<?, ?> g
        && g.get("lat") instanceof Number lat
        && g.get("lon") instanceof Number lon) {
      point =
          new Event.Geo(
              lat.doubleValue(),
              lon.doubleValue(),
              g.get("accuracyM") instanceof Number a ? a.doubleValue() : null);
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    if (map.get("properties") instanceof Map<?, ?> stored) {
      stored.forEach((name, value) -> properties.put(String.valueOf(name), plain(value)));
    }
    Object timestamp = map.get("timestamp");
    if (!(map.get("id") instanceof String id)
        || !(map.get("type") instanceof String type)
        || timestamp == null) {
      throw new IllegalArgumentException("event summary: needs id, type and timestamp");
    }
    try {
      return new EventSummary(
          id,
          text(map.get("source")),
          type,
          Instant.parse(timestamp.toString()),
          text(map.get("userId")),
          text(map.get("anonymousId")),
          text(map.get("ip")),
          point,
          properties,
          Boolean.TRUE.equals(map.get("truncated")));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          "event summary: timestamp: must be ISO-8601, was \"" + timestamp + "\"", e);
    }
  }

  private static boolean isScalar(Object value) {
    return value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean;
  }

  /** Integers as {@code Long}, floats as {@code Double}: the canonical event's number types. */
  private static Object plain(Object value) {
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    return value;
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static void putIfPresent(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
