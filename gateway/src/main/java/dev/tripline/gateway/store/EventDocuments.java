package dev.tripline.gateway.store;

import dev.tripline.rules.Event;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps {@link Event} to and from the document the Vert.x MongoDB client stores.
 *
 * <p>{@code timestamp} and {@code receivedAt} are stored as BSON dates ({@code {"$date": ...}}) so
 * that range queries and retention deletes compare dates, not strings, on real MongoDB as on the
 * embedded server. BSON dates hold milliseconds: finer fractions of a second are cut on the way in.
 * {@code geo}, {@code properties} and {@code context} are sub-documents. On the way out numbers are
 * normalised to {@code Long} and {@code Double}, as {@link Event} promises its readers.
 */
public final class EventDocuments {

  static final String DATE = "$date";

  private EventDocuments() {}

  /** The document for an event; absent optional fields are left out. */
  public static JsonObject toDocument(Event event) {
    JsonObject doc =
        new JsonObject()
            .put("id", event.id())
            .put("source", event.source())
            .put("type", event.type())
            .put("timestamp", date(event.timestamp()));
    putIfPresent(doc, "userId", event.userId());
    putIfPresent(doc, "anonymousId", event.anonymousId());
    putIfPresent(doc, "ip", event.ip());
    if (event.geo() != null) {
      JsonObject geo = new JsonObject().put("lat", event.geo().lat()).put("lon", event.geo().lon());
      putIfPresent(geo, "accuracyM", event.geo().accuracyM());
      doc.put("geo", geo);
    }
    doc.put("properties", toJson(event.properties()));
    doc.put("context", toJson(event.context()));
    doc.put("receivedAt", date(event.receivedAt()));
    return doc;
  }

  /**
   * The event a stored document holds.
   *
   * @throws IllegalArgumentException naming the field when the document is not an event
   */
  public static Event fromDocument(JsonObject doc) {
    JsonObject geo = doc.getJsonObject("geo");
    return new Event(
        requiredString(doc, "id"),
        requiredString(doc, "source"),
        requiredString(doc, "type"),
        instant(doc, "timestamp"),
        doc.getString("userId"),
        doc.getString("anonymousId"),
        doc.getString("ip"),
        geo == null
            ? null
            : new Event.Geo(geo.getDouble("lat"), geo.getDouble("lon"), geo.getDouble("accuracyM")),
        fromJson(doc.getJsonObject("properties", new JsonObject())),
        fromJson(doc.getJsonObject("context", new JsonObject())),
        instant(doc, "receivedAt"));
  }

  /** The query form of an instant: {@code {"$date": "2026-11-21T10:30:00.123Z"}}. */
  public static JsonObject date(Instant instant) {
    return new JsonObject().put(DATE, instant.toString());
  }

  private static Instant instant(JsonObject doc, String field) {
    Object value = doc.getValue(field);
    if (value instanceof JsonObject date && date.containsKey(DATE)) {
      Object raw = date.getValue(DATE);
      if (raw instanceof String text) {
        return Instant.parse(text);
      }
      if (raw instanceof Number millis) {
        return Instant.ofEpochMilli(millis.longValue());
      }
    }
    throw new IllegalArgumentException(
        field + ": must be a date ({\"$date\": ...}), was " + (value == null ? "absent" : value));
  }

  private static String requiredString(JsonObject doc, String field) {
    if (doc.getValue(field) instanceof String value) {
      return value;
    }
    throw new IllegalArgumentException(
        field
            + ": must be a string, was "
            + (doc.containsKey(field) ? doc.getValue(field) : "absent"));
  }

  private static void putIfPresent(JsonObject doc, String field, Object value) {
    if (value != null) {
      doc.put(field, value);
    }
  }

  /** A map of plain values as a JSON object (profiles store traits this way too). */
  public static JsonObject toJson(Map<String, Object> map) {
    JsonObject json = new JsonObject();
    map.forEach((key, value) -> json.put(key, toJsonValue(value)));
    return json;
  }

  private static Object toJsonValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      JsonObject json = new JsonObject();
      map.forEach((key, inner) -> json.put(String.valueOf(key), toJsonValue(inner)));
      return json;
    }
    if (value instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(item -> array.add(toJsonValue(item)));
      return array;
    }
    return value;
  }

  /** A stored JSON object as plain values: {@code Long} and {@code Double} numbers, maps, lists. */
  public static Map<String, Object> fromJson(JsonObject json) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : json) {
      map.put(entry.getKey(), fromJsonValue(entry.getValue()));
    }
    return map;
  }

  private static Object fromJsonValue(Object value) {
    if (value instanceof JsonObject object) {
      return fromJson(object);
    }
    if (value instanceof Map<?, ?> map) {
      return fromJson(new JsonObject(castMap(map)));
    }
    if (value instanceof JsonArray array) {
      List<Object> list = new ArrayList<>(array.size());
      array.forEach(item -> list.add(fromJsonValue(item)));
      return list;
    }
    if (value instanceof List<?> list) {
      return fromJsonValue(new JsonArray(new ArrayList<>(list)));
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float number) {
      return number.doubleValue();
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
