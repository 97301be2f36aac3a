package dev.tripline.rules;

import dev.tripline.rules.yaml.Suggestions;
import java.util.List;
import java.util.Optional;

/**
 * The event field paths a rule may group or count by: the canonical top-level fields, {@code
 * geo.lat}/{@code geo.lon}, and anything below {@code properties.} or {@code context.}. Checked at
 * load, so that a typo ({@code userid}) is an error instead of a rule that silently never fires.
 * Public for other configuration that names key fields (a destination's {@code frequency_cap.per}).
 */
public final class FieldPaths {

  static final List<String> TOP_LEVEL =
      List.of("id", "source", "type", "userId", "anonymousId", "ip", "geo.lat", "geo.lon");

  /** What a valid path looks like, for messages. */
  public static final String EXPECTED =
      "an event field (id, source, type, userId, anonymousId, ip, geo.lat, geo.lon,"
          + " properties.<name> or context.<name>)";

  private FieldPaths() {}

  /** Whether {@code path} names an event field a rule may group or count by. */
  public static boolean isValid(String path) {
    if (TOP_LEVEL.contains(path)) {
      return true;
    }
    for (String prefix : List.of("properties.", "context.")) {
      if (path.startsWith(prefix)) {
        String rest = path.substring(prefix.length());
        return !rest.isEmpty()
            && List.of(rest.split("\\.", -1)).stream().noneMatch(String::isBlank);
      }
    }
    return false;
  }

  /**
   * A likely intended path for an invalid one, e.g. {@code properties.sku} for {@code props.sku}.
   */
  public static Optional<String> suggest(String path) {
    int dot = path.indexOf('.');
    if (dot > 0 && dot < path.length() - 1) {
      Optional<String> head =
          Suggestions.closest(path.substring(0, dot), List.of("properties", "context"));
      if (head.isPresent()) {
        return Optional.of(head.get() + path.substring(dot));
      }
    }
    return Suggestions.closest(path, TOP_LEVEL);
  }
}
