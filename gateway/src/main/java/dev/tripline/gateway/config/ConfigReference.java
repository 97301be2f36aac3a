package dev.tripline.gateway.config;

import java.util.stream.Collectors;

/** The README's configuration reference table, generated from {@link ConfigKeys#ALL}. */
public final class ConfigReference {

  private ConfigReference() {}

  /** A Markdown table: key, environment variable, type and unit, default, meaning. */
  public static String markdown() {
    String header =
        "| key | environment variable | type | default | meaning |\n|---|---|---|---|---|\n";
    return header
        + ConfigKeys.ALL.stream()
            .map(
                key ->
                    "| `%s` | `%s` | %s | %s | %s |"
                        .formatted(
                            key.path(),
                            key.envName(),
                            key.unit().isEmpty() ? key.type() : key.type() + ", " + key.unit(),
                            key.defaultValue().isEmpty()
                                ? "(empty)"
                                : "`" + key.defaultValue() + "`",
                            key.description().replace("|", "\\|")))
            .collect(Collectors.joining("\n"))
        + "\n";
  }
}
