package dev.tripline.rules;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The canonical event every source is normalised into (see DESIGN.md).
 *
 * <p>Immutable. {@code properties} and {@code context} hold plain Java values only: {@code String},
 * {@code Long}, {@code Double}, {@code Boolean}, {@code null}, {@code List} and {@code Map<String,
 * Object>} of the same, so that rules, detectors and CEL see one representation whatever the
 * transport was.
 *
 * @param id the sender's id (or a generated one); unique together with {@code source}
 * @param source where the event came from, e.g. {@code api} or a configured webhook source
 * @param type the event type, e.g. {@code add_to_cart}
 * @param timestamp event time as claimed by the sender (or {@code receivedAt} when absent)
 * @param userId the known user, or {@code null}
 * @param anonymousId the anonymous visitor, or {@code null}
 * @param ip the client address as resolved by the gateway, or {@code null}
 * @param geo a geo point, or {@code null}
 * @param properties event properties, never {@code null}
 * @param context client context (user agent, page, ...), never {@code null}
 * @param receivedAt when the gateway accepted the event
 * @param profile the profile of the event's user as the detection path saw it ({@code userId},
 *     {@code traits}, {@code firstSeen}, {@code lastSeen}), or {@code null} when the user has none
 *     or the event was not enriched; plain Java values like {@code properties}. Never stored with
 *     the event: it is joined in after the event is durable, just before detection
 */
public record Event(
    String id,
    String source,
    String type,
    Instant timestamp,
    String userId,
    String anonymousId,
    String ip,
    Geo geo,
    Map<String, Object> properties,
    Map<String, Object> context,
    Instant receivedAt,
    Map<String, Object> profile) {

  /** A geographic point with an optional accuracy radius in metres. */
  public record Geo(double lat, double lon, Double accuracyM) {}

  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(receivedAt, "receivedAt");
    properties = properties == null ? Map.of() : properties;
    context = context == null ? Map.of() : context;
  }

  /** An event without a profile: what ingest builds (profiles are joined in before detection). */
  public Event(
      String id,
      String source,
      String type,
      Instant timestamp,
      String userId,
      String anonymousId,
      String ip,
      Geo geo,
      Map<String, Object> properties,
      Map<String, Object> context,
      Instant receivedAt) {
    this(
        id,
        source,
        type,
        timestamp,
        userId,
        anonymousId,
        ip,
        geo,
        properties,
        context,
        receivedAt,
        null);
  }

  /** This event with {@code profile} (or none, for {@code null}) in place of its own. */
  public Event withProfile(Map<String, Object> profile) {
    return new Event(
        id,
        source,
        type,
        timestamp,
        userId,
        anonymousId,
        ip,
        geo,
        properties,
        context,
        receivedAt,
        profile);
  }

  /**
   * Resolves a dotted field path such as {@code ip}, {@code userId}, {@code geo.lat} or {@code
   * properties.cartId}.
   *
   * @return the value, or {@code null} when any step of the path is absent
   */
  public Object field(String path) {
    int dot = path.indexOf('.');
    String head = dot < 0 ? path : path.substring(0, dot);
    Object value =
        switch (head) {
          case "id" -> id;
          case "source" -> source;
          case "type" -> type;
          case "timestamp" -> timestamp.toString();
          case "userId" -> userId;
          case "anonymousId" -> anonymousId;
          case "ip" -> ip;
          case "geo" -> geo == null ? null : geoMap();
          case "properties" -> properties;
          case "context" -> context;
          case "receivedAt" -> receivedAt.toString();
          case "profile" -> profile;
          default -> null;
        };
    if (dot < 0) {
      return value;
    }
    for (String step : path.substring(dot + 1).split("\\.", -1)) {
      if (!(value instanceof Map<?, ?> map)) {
        return null;
      }
      value = map.get(step);
    }
    return value;
  }

  /**
   * This event as a map of plain Java values, the shape conditions see as {@code event}. Absent
   * optional fields are left out so that CEL's {@code has(event.userId)} means "present" (and
   * {@code has(event.profile)} that the user has a profile).
   */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("id", id);
    map.put("source", source);
    map.put("type", type);
    map.put("timestamp", timestamp.toString());
    putIfPresent(map, "userId", userId);
    putIfPresent(map, "anonymousId", anonymousId);
    putIfPresent(map, "ip", ip);
    if (geo != null) {
      map.put("geo", geoMap());
    }
    map.put("properties", properties);
    map.put("context", context);
    map.put("receivedAt", receivedAt.toString());
    if (profile != null) {
      map.put("profile", profile);
    }
    return map;
  }

  private Map<String, Object> geoMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("lat", geo.lat());
    map.put("lon", geo.lon());
    putIfPresent(map, "accuracyM", geo.accuracyM());
    return map;
  }

  private static void putIfPresent(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /** The top-level field names of the canonical event, in document order. */
  public static final List<String> FIELDS =
      List.of(
          "id",
          "source",
          "type",
          "timestamp",
          "userId",
          "anonymousId",
          "ip",
          "geo",
          "properties",
          "context",
          "receivedAt");
}
