package dev.tripline.detectors;

import dev.tripline.rules.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The key of an event under a rule's {@code group_by}: the values of its paths, in order. */
final class GroupKeys {

  private GroupKeys() {}

  /** The event's values for {@code groupBy}, or {@code null} when it lacks one of them. */
  static List<Object> of(Event event, List<String> groupBy) {
    Object[] values = new Object[groupBy.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = event.field(groupBy.get(i));
      if (values[i] == null) {
        return null;
      }
    }
    return List.of(values);
  }

  /** Whether a key's values read as {@code text}, value by value. */
  static boolean matches(List<Object> key, List<String> text) {
    if (key.size() != text.size()) {
      return false;
    }
    for (int i = 0; i < key.size(); i++) {
      if (!String.valueOf(key.get(i)).equals(text.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The key as the detection shows it: path to value, in group-by order. */
  static Map<String, Object> asMap(List<String> groupBy, List<Object> key) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < groupBy.size(); i++) {
      map.put(groupBy.get(i), key.get(i));
    }
    return map;
  }
}
