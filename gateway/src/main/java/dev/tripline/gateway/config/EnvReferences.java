package dev.tripline.gateway.config;

import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves environment references in configuration values: {@code ${NAME}} (must be set) and {@code
 * ${NAME:-fallback}}, so that secrets stay out of files. Shared by every file that holds secrets
 * (destinations, sources).
 */
final class EnvReferences {

  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private EnvReferences() {}

  /**
   * The value with every reference replaced.
   *
   * @param unset told the name of each variable that is neither set nor has a fallback (which then
   *     resolves to the empty string)
   */
  static String expand(String value, Map<String, String> env, Consumer<String> unset) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String resolved = env.get(name);
      if (resolved == null) {
        resolved = m.group(2);
      }
      if (resolved == null) {
        unset.accept(name);
        resolved = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    m.appendTail(out);
    return out.toString();
  }
}
