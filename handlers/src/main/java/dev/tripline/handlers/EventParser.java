package dev.tripline.handlers;

import dev.tripline.rules.Event;
import dev.tripline.rules.yaml.Suggestions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns one JSON event object into a canonical {@link Event}, or explains precisely why it cannot.
 *
 * <p>Strict on purpose: an unknown top-level field is an error (with a did-you-mean for typos such
 * as {@code userid}), because a silently dropped field is a rule that silently never fires. Values
 * inside {@code properties} and {@code context} are free-form but converted to plain Java values
 * ({@code Long}, {@code Double}, {@code String}, {@code Boolean}, {@code null}, unmodifiable {@code
 * List} and {@code Map}) so that rules see one representation whatever the transport was.
 *
 * <p>{@code ip} and {@code receivedAt} are accepted in the body but ignored: both are facts the
 * gateway observes (the peer address, or the forwarded one behind a trusted proxy; its own clock),
 * and letting a sender set them would let it spoof the keys that IP-based rules group by.
 *
 * <p>Errors are {@link HttpException}s with status 400 whose message names the field, the
 * constraint and the (truncated) value, e.g. {@code type: must be a non-empty string, was 42}.
 * Thread-safe.
 */
public final class EventParser {

  private static final int MAX_SUGGESTED_KEY_LENGTH = 64;

  static final int MAX_TYPE_LENGTH = 128;
  static final int MAX_ID_LENGTH = 256;
  static final int MAX_USER_ID_LENGTH = 256;
  static final String DEFAULT_SOURCE = "api";

  private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final List<String> ALLOWED =
      List.of(
          "type",
          "id",
          "messageId",
          "source",
          "timestamp",
          "userId",
          "anonymousId",
          "geo",
          "properties",
          "context",
          "ip",
          "receivedAt");
  private static final List<String> GEO_FIELDS = List.of("lat", "lon", "accuracyM");
  private static final int MAX_SHOWN_VALUE = 40;

  private final Duration maxClockSkew;
  private final IdGenerator ids;

  /**
   * @param maxClockSkew how far after {@code receivedAt} a {@code timestamp} may lie
   * @param ids makes the id of an event that has none
   */
  public EventParser(Duration maxClockSkew, IdGenerator ids) {
    this.maxClockSkew = Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    this.ids = Objects.requireNonNull(ids, "ids");
  }

  /**
   * What the gateway knows about the arrival of an event, as opposed to what the sender claims.
   * Built by {@link #bound} or {@link #open}.
   *
   * @param source the {@code source} of events that name none (e.g. {@code api}); when {@code
   *     sourceBound}, the only one an event may name
   * @param sourceBound whether the gateway decides the source (a write key's, a route's) rather
   *     than the event: then an event naming another is refused, so that a sender can never store
   *     events under another source, nor take another source's ({@code source}, {@code id}) dedup
   *     key so that its genuine event is later dropped as a duplicate
   * @param clientIp the resolved client address (see {@link ClientIpResolver}), or {@code null}
   * @param receivedAt the gateway's clock at arrival; one instant per request or frame
   */
  public record Arrival(String source, boolean sourceBound, String clientIp, Instant receivedAt) {
    public Arrival {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** Events from a sender whose source is decided for it, by its write key or its route. */
    public static Arrival bound(String source, String clientIp, Instant receivedAt) {
      return new Arrival(source, true, clientIp, receivedAt);
    }

    /**
     * Events that may name their own source (open access, rule tests), {@code defaultSource} when
     * they name none.
     */
    public static Arrival open(String defaultSource, String clientIp, Instant receivedAt) {
      return new Arrival(defaultSource, false, clientIp, receivedAt);
    }
  }

  /**
   * Validates and normalises one event.
   *
   * @throws HttpException 400 naming the field (the index is left to the caller)
   */
  public Event parse(JsonObject json, Arrival arrival) {
    for (String key : json.fieldNames()) {
      if (!ALLOWED.contains(key)) {
        throw unknownField(key, "", ALLOWED);
      }
    }
    String type = requiredType(json.getValue("type"));
    String id = optionalId(json, "id");
    String messageId = optionalId(json, "messageId");
    if (id != null && messageId != null && !id.equals(messageId)) {
      throw invalid(
          "messageId", "must equal id when both are given (id " + show(id) + ")", messageId);
    }
    if (id == null) {
      id = messageId != null ? messageId : ids.newId();
    }
    String source = optionalSource(json.getValue("source"), arrival);
    Instant timestamp = optionalTimestamp(json.getValue("timestamp"), arrival.receivedAt());
    String userId = optionalString(json, "userId", MAX_USER_ID_LENGTH);
    String anonymousId = optionalString(json, "anonymousId", MAX_USER_ID_LENGTH);
    Event.Geo geo = optionalGeo(json.getValue("geo"));
    Map<String, Object> properties = optionalObject(json, "properties");
    Map<String, Object> context = optionalObject(json, "context");
    return new Event(
        id,
        source,
        type,
        timestamp,
        userId,
        anonymousId,
        arrival.clientIp(),
        geo,
        properties,
        context,
        arrival.receivedAt());
  }

  private static String requiredType(Object value) {
    if (!(value instanceof String s) || s.isBlank()) {
      throw invalid("type", "must be a non-empty string", value);
    }
    if (s.length() > MAX_TYPE_LENGTH) {
      throw invalid("type", "must be at most " + MAX_TYPE_LENGTH + " characters", value);
    }
    return s;
  }

  private static String optionalId(JsonObject json, String field) {
    return optionalString(json, field, MAX_ID_LENGTH);
  }

  private static String optionalString(JsonObject json, String field, int maxLength) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.isEmpty() || s.length() > maxLength) {
      throw invalid(field, "must be a string of 1.." + maxLength + " characters", value);
    }
    return s;
  }

  private static String optionalSource(Object value, Arrival arrival) {
    if (value == null) {
      return arrival.source();
    }
    if (!(value instanceof String s) || !SOURCE.matcher(s).matches()) {
      throw invalid("source", "must match [A-Za-z0-9._-]{1,64}", value);
    }
    if (arrival.sourceBound() && !s.equals(arrival.source())) {
      // refused rather than re-attributed, so that a sender that meant another key finds out
      throw new HttpException(
          400,
          "source: must be \""
              + arrival.source()
              + "\", the source of the write key, or left out; was "
              + show(s),
          "source",
          null);
    }
    return s;
  }

  private Instant optionalTimestamp(Object value, Instant receivedAt) {
    if (value == null) {
      return receivedAt;
    }
    Instant timestamp;
    try {
      if (!(value instanceof String s)) {
        throw new DateTimeParseException("not a string", "", 0);
      }
      timestamp = Timestamps.parse(s);
    } catch (DateTimeParseException e) {
      throw invalid(
          "timestamp",
          "must be an ISO-8601 instant with an offset, e.g. 2026-11-21T10:30:00.123Z",
          value);
    }
    EventTimes.require("timestamp", timestamp, value);
    Instant latest = receivedAt.plus(maxClockSkew);
    if (timestamp.isAfter(latest)) {
      throw invalid(
          "timestamp",
          "must not be more than "
              + maxClockSkew.toSeconds()
              + "s after the gateway's clock ("
              + receivedAt
              + ")",
          value);
    }
    return timestamp;
  }

  private static Event.Geo optionalGeo(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject geo)) {
      throw invalid("geo", "must be an object {lat, lon, accuracyM}", value);
    }
    for (String key : geo.fieldNames()) {
      if (!GEO_FIELDS.contains(key)) {
        throw unknownField(key, "geo.", GEO_FIELDS);
      }
    }
    double lat = geoNumber(geo, "lat", -90, 90);
    double lon = geoNumber(geo, "lon", -180, 180);
    Double accuracy = null;
    Object raw = geo.getValue("accuracyM");
    if (raw != null) {
      accuracy = finiteNumber("geo.accuracyM", raw);
      if (accuracy < 0) {
        throw invalid("geo.accuracyM", "must be a number >= 0", raw);
      }
    }
    return new Event.Geo(lat, lon, accuracy);
  }

  private static double geoNumber(JsonObject geo, String key, double min, double max) {
    String field = "geo." + key;
    Object raw = geo.getValue(key);
    String constraint = "must be a number in " + (long) min + ".." + (long) max;
    if (!(raw instanceof Number)) {
      throw invalid(field, constraint, raw);
    }
    double value = finiteNumber(field, raw);
    if (value < min || value > max) {
      throw invalid(field, constraint, raw);
    }
    return value;
  }

  private static double finiteNumber(String field, Object raw) {
    if (!(raw instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw invalid(field, "must be a finite number", raw);
    }
    return n.doubleValue();
  }

  private static Map<String, Object> optionalObject(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject object)) {
      throw invalid(field, "must be an object", value);
    }
    return toMap(object, field);
  }

  private static Map<String, Object> toMap(JsonObject object, String path) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : object) {
      if (entry.getKey().indexOf('\u0000') >= 0) {
        // BSON field names are NUL-terminated: such a key cannot be stored, and failing in the
        // store would fail every event written in the same batch
        throw new HttpException(
            400, path + ": field names must not contain the NUL character", path, null);
      }
      map.put(entry.getKey(), toPlain(entry.getValue(), path + "." + entry.getKey()));
    }
    return Collections.unmodifiableMap(map);
  }

  private static Object toPlain(Object value, String path) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      if (big.bitLength() > 63) {
        throw invalid(path, "must be an integer within 64 bits", value);
      }
      return big.longValue();
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        throw invalid(path, "must be a finite number", value);
      }
      return d;
    }
    if (value instanceof JsonObject object) {
      return toMap(object, path);
    }
    if (value instanceof JsonArray array) {
      List<Object> list = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        list.add(toPlain(array.getValue(i), path + "[" + i + "]"));
      }
      return Collections.unmodifiableList(list);
    }
    // the JSON decoder produces nothing else; anything else is a programming error upstream
    throw new IllegalArgumentException(path + ": unsupported value type " + value.getClass());
  }

  private static HttpException unknownField(String key, String prefix, List<String> allowed) {
    String suggestion = suggest(key, allowed);
    String hint =
        suggestion != null
            ? "; did you mean \"" + prefix + suggestion + "\"?"
            : "; allowed: " + String.join(", ", allowed);
    return new HttpException(400, prefix + key + ": unknown field" + hint, prefix + key, null);
  }

  /** The closest allowed name, if the key looks like a typo of one. */
  static String suggest(String key, List<String> allowed) {
    // a key from the network can be long: no suggestion is worth comparing it character by
    // character
    if (key.length() > MAX_SUGGESTED_KEY_LENGTH) {
      return null;
    }
    return Suggestions.closest(key, allowed).orElse(null);
  }

  private static HttpException invalid(String field, String constraint, Object value) {
    return new HttpException(400, field + ": " + constraint + ", was " + show(value), field, null);
  }

  /**
   * A short rendering of a value for an error message; never the whole of a large value. Public for
   * the error messages of the ingest routes in other packages.
   */
  public static String show(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      String quoted = s.length() > MAX_SHOWN_VALUE ? s.substring(0, MAX_SHOWN_VALUE) + "..." : s;
      return '"' + quoted.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    String text = String.valueOf(value);
    return text.length() > MAX_SHOWN_VALUE ? text.substring(0, MAX_SHOWN_VALUE) + "..." : text;
  }
}
