package dev.tripline.rules;

import dev.cel.common.values.NullValue;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings values into the shapes CEL's runtime dispatches on: {@code Long} for every integer and
 * {@code Double} for every floating-point number. CEL has no overload for {@code Integer} or {@code
 * Float}, so {@code event.properties.qty > 5} fails on an {@code Integer} at run time. A JSON
 * {@code null} must be CEL's {@link NullValue}: a Java {@code null} in a map makes the whole
 * expression evaluate to an "unknown" instead of a bool.
 *
 * <p>Events are meant to hold these shapes already; this is the safety net, and it copies nothing
 * when nothing needs converting (the usual case).
 */
public final class CelValues {

  private CelValues() {}

  /** The value with numbers widened, the same instance when already in shape. */
  public static Object of(Object value) {
    return needsConversion(value) ? convert(value) : value;
  }

  private static boolean needsConversion(Object value) {
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String) || needsConversion(entry.getValue())) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (needsConversion(item)) {
          return true;
        }
      }
      return false;
    }
    return value == null
        || (value instanceof Number && !(value instanceof Long) && !(value instanceof Double));
  }

  private static Object convert(Object value) {
    if (value == null) {
      return NullValue.NULL_VALUE;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
    }
    if (value instanceof Number number && !(value instanceof Long)) {
      return number.doubleValue(); // Float, BigDecimal and other decimals
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((key, item) -> copy.put(String.valueOf(key), convert(item)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(item -> copy.add(convert(item)));
      return copy;
    }
    return value;
  }
}
