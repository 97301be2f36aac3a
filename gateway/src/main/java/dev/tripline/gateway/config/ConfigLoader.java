package dev.tripline.gateway.config;

import dev.tripline.rules.yaml.Suggestions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads the gateway configuration: defaults, then the YAML file, then environment variables named
 * after each key's path ({@code http.port} -> {@code TRIPLINE_HTTP_PORT}). Validates everything
 * once and reports every problem at once, each naming the key and where its value came from.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * Loads the configuration.
   *
   * @param file the YAML file; when {@code required} is false a missing file means "defaults only"
   * @param required whether a missing file is an error (true when the user named it)
   * @param env the environment, usually {@code System.getenv()}
   * @throws ConfigException listing every problem
   */
  public static GatewayConfig load(Path file, boolean required, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Map<String, Value> values = new HashMap<>();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      values.put(key.path(), new Value(key.defaultValue(), "default"));
    }
    readFile(file, required, problems).forEach(values::put);
    REMOVED.forEach(
        (path, replacement) -> {
          String envName = new ConfigKey<>(path, "", "", "", "", x -> x).envName();
          if (env.containsKey(envName)) {
            problems.add(path + ": " + replacement + " (environment variable " + envName + ")");
          }
        });
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      String fromEnv = env.get(key.envName());
      if (fromEnv != null) {
        values.put(key.path(), new Value(fromEnv, "environment variable " + key.envName()));
      }
    }
    Map<String, Object> parsed = new HashMap<>();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      Value value = values.get(key.path());
      try {
        parsed.put(key.path(), key.parser().apply(value.text()));
      } catch (IllegalArgumentException e) {
        problems.add(
            key.path()
                + ": "
                + e.getMessage()
                + ", was \""
                + value.text()
                + "\" (from "
                + value.origin()
                + ")");
      }
    }
    ResolvedValues resolved = new ResolvedValues(parsed);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return GatewayConfig.from(resolved);
  }

  /** What a key was set to, and where that came from, for messages. */
  private record Value(String text, String origin) {}

  private static Map<String, Value> readFile(Path file, boolean required, List<String> problems) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      if (required) {
        problems.add(file + ": no such file");
      }
      return Map.of();
    } catch (IOException e) {
      problems.add(file + ": cannot read: " + e.getMessage());
      return Map.of();
    }
    Object root;
    try {
      LoadSettings settings =
          LoadSettings.builder()
              .setLabel(file.toString())
              .setAllowDuplicateKeys(false)
              .setMaxAliasesForCollections(10)
              .build();
      root = new Load(settings).loadFromString(text);
    } catch (YamlEngineException e) {
      problems.add(file + ": invalid YAML: " + e.getMessage().replace('\n', ' '));
      return Map.of();
    }
    Map<String, Value> values = new HashMap<>();
    if (root == null) {
      return values;
    }
    if (!(root instanceof Map<?, ?> map)) {
      problems.add(file + ": must be a mapping of configuration keys");
      return values;
    }
    flatten("", map, file.toString(), values, problems);
    return values;
  }

  private static void flatten(
      String prefix,
      Map<?, ?> map,
      String origin,
      Map<String, Value> values,
      List<String> problems) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String path = prefix + entry.getKey();
      Object value = entry.getValue();
      if (ConfigKeys.BY_PATH.containsKey(path)) {
        values.put(path, new Value(scalarText(value), origin));
      } else if (REMOVED.containsKey(path)) {
        problems.add(path + ": " + REMOVED.get(path) + " (in " + origin + ")");
      } else if (value instanceof Map<?, ?> nested && isSection(path)) {
        flatten(path + ".", nested, origin, values, problems);
      } else {
        problems.add(
            path + ": unknown configuration key" + suggestion(path) + " (in " + origin + ")");
      }
    }
  }

  /**
   * Keys that existed once, with what replaces them: a config still naming one fails with this
   * rather than a bare "unknown key", and an environment variable for one is not silently ignored.
   */
  private static final Map<String, String> REMOVED =
      Map.of(
          "delivery.max-attempts",
          "removed; the number of entries in delivery.retry-schedule sets the retries",
          "delivery.initial-backoff",
          "removed; delivery.retry-schedule lists each wait",
          "delivery.max-backoff",
          "removed; delivery.retry-schedule lists each wait");

  private static String scalarText(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return String.valueOf(value);
  }

  private static boolean isSection(String path) {
    return ConfigKeys.ALL.stream().anyMatch(k -> k.path().startsWith(path + "."));
  }

  private static String suggestion(String path) {
    return Suggestions.closest(path, ConfigKeys.ALL.stream().map(ConfigKey::path).toList())
        .map(c -> "; did you mean `" + c + "`?")
        .orElse("");
  }

  /** Parsed values by path; every key is present once loading succeeded. */
  static final class ResolvedValues {
    private final Map<String, Object> values;

    ResolvedValues(Map<String, Object> values) {
      this.values = values;
    }

    @SuppressWarnings("unchecked")
    <T> T get(ConfigKey<T> key) {
      return (T) values.get(key.path());
    }
  }
}
