package dev.tripline.handlers;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.cel.common.values.NullValue;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * CEL results as Vert.x JSON values: the one conversion behind webhook-source mappings and
 * destination templates.
 *
 * <p>Maps and lists become {@link JsonObject} and {@link JsonArray} (JSON values pass through);
 * small integers become {@code Long} and {@code Float} a {@code Double}; a CEL {@code uint} or any
 * other integer type by its decimal value ({@code Long} when it fits, else {@code BigInteger});
 * timestamps and instants ISO-8601 text, durations ISO-8601 durations, bytes base64; CEL's {@code
 * null} is {@code null}; anything else its text.
 */
public final class CelJson {

  private CelJson() {}

  /** The value as JSON. */
  public static Object toJson(Object value) {
    if (value == null || value instanceof NullValue) {
      return null;
    }
    if (value instanceof JsonObject || value instanceof JsonArray) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      JsonObject out = new JsonObject();
      map.forEach((k, v) -> out.put(String.valueOf(k), toJson(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      JsonArray out = new JsonArray();
      list.forEach(item -> out.add(toJson(item)));
      return out;
    }
    if (value instanceof Timestamp ts) {
      return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos()).toString();
    }
    if (value instanceof com.google.protobuf.Duration d) {
      return Duration.ofSeconds(d.getSeconds(), d.getNanos()).toString();
    }
    if (value instanceof ByteString bytes) {
      return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
    if (value instanceof Instant instant) {
      return instant.toString();
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof Number n
        && !(n instanceof Long || n instanceof Double || n instanceof BigInteger)) {
      // a CEL uint (an unsigned long) or a decimal: by its decimal text
      try {
        BigInteger integer = new BigInteger(n.toString());
        return integer.bitLength() < 64 ? (Object) integer.longValue() : integer;
      } catch (NumberFormatException e) {
        return n.doubleValue();
      }
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    return String.valueOf(value);
  }
}
