package dev.tripline.gateway.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration key: its dotted path, how its text is parsed, its default, and the words the
 * README's config reference shows for it. {@link ConfigKeys#ALL} is the single list of every key.
 *
 * @param path dotted path, e.g. {@code http.port}
 * @param type what kind of value it holds, for messages and the reference (e.g. "integer")
 * @param unit the unit shown in the reference, or empty
 * @param defaultValue the default as text, parsed like any other value
 * @param description one sentence for the reference
 * @param parser text to value; throws {@link IllegalArgumentException} whose message states the
 *     constraint
 */
public record ConfigKey<T>(
    String path,
    String type,
    String unit,
    String defaultValue,
    String description,
    Function<String, T> parser) {

  /**
   * The environment variable that overrides this key: {@code http.port} -> {@code
   * TRIPLINE_HTTP_PORT}.
   */
  public String envName() {
    return "TRIPLINE_" + path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
