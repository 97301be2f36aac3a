package dev.tripline.gateway.config;

import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.delivery.FrequencyCap;
import dev.tripline.gateway.delivery.PayloadFormat;
import dev.tripline.gateway.delivery.PayloadTemplate;
import dev.tripline.rules.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads the destinations file: a YAML list of {@code id, url, secret, timeout, format} and an
 * optional {@code frequency_cap: {per, max, within}}, {@code headers: {Name: value}} and {@code
 * template: {field: CEL expression}}. {@code secret} may be a list of two secrets while rotating.
 * String values may reference the environment as {@code ${NAME}} (must be set) or {@code
 * ${NAME:-fallback}}, so secrets stay out of files. Every problem is reported at once, naming the
 * entry and the field, and never printing a secret.
 */
public final class DestinationsLoader {

  private static final Set<String> FIELDS =
      Set.of("id", "url", "secret", "timeout", "format", "frequency_cap", "headers", "template");
  private static final Set<String> CAP_FIELDS = Set.of("per", "max", "within");
  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private DestinationsLoader() {}

  /**
   * Loads and validates the destinations.
   *
   * @return destinations by id, in file order; an absent file means no destinations
   * @throws ConfigException listing every problem
   */
  public static Map<String, Destination> load(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read: " + e.getMessage()));
    }
    return parse(file.toString(), text, env);
  }

  /** Parses destinations from YAML text; {@code fileName} is used in messages. */
  public static Map<String, Destination> parse(
      String fileName, String text, Map<String, String> env) {
    Object root;
    try {
      root =
          new Load(
                  LoadSettings.builder()
                      .setLabel(fileName)
                      .setAllowDuplicateKeys(false)
                      .setMaxAliasesForCollections(10)
                      .build())
              .loadFromString(text);
    } catch (YamlEngineException e) {
      throw new ConfigException(
          List.of(fileName + ": invalid YAML: " + e.getMessage().replace('\n', ' ')));
    }
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof List<?> entries)) {
      throw new ConfigException(List.of(fileName + ": must be a list of destinations"));
    }
    List<String> problems = new ArrayList<>();
    Map<String, Destination> destinations = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String where = fileName + ": destinations[" + i + "]";
      if (!(entries.get(i) instanceof Map<?, ?> entry)) {
        problems.add(where + ": must be a mapping with id, url and secret");
        continue;
      }
      List<String> entryProblems = new ArrayList<>();
      for (Object key : entry.keySet()) {
        if (!FIELDS.contains(String.valueOf(key))) {
          entryProblems.add(key + ": unknown field; known: " + known(FIELDS));
        }
      }
      String id = text(entry, "id", env, entryProblems);
      String url = text(entry, "url", env, entryProblems);
      List<String> secrets = secrets(entry.get("secret"), env, entryProblems);
      String format = text(entry, "format", env, entryProblems);
      String timeoutText = text(entry, "timeout", env, entryProblems);
      Duration timeout = null;
      if (timeoutText != null) {
        try {
          timeout = Durations.parse(timeoutText);
        } catch (IllegalArgumentException e) {
          entryProblems.add("timeout: " + e.getMessage());
        }
      }
      // checked on their own, so that a bad cap or header does not hide a bad url of the same entry
      List<String> sectionProblems = new ArrayList<>();
      FrequencyCap cap = frequencyCap(entry.get("frequency_cap"), env, sectionProblems);
      Map<String, String> headers = headers(entry.get("headers"), env, sectionProblems);
      PayloadTemplate template = template(entry.get("template"), format, sectionProblems);
      if (entryProblems.isEmpty()) {
        entryProblems.addAll(Destination.validate(id, url, secrets, timeout, format));
      }
      entryProblems.addAll(sectionProblems);
      if (id != null && !seen.add(id)) {
        entryProblems.add("id: duplicate destination id \"" + id + "\"");
      }
      String label = id == null ? where : where + " (" + id + ")";
      entryProblems.forEach(p -> problems.add(label + ": " + p));
      if (entryProblems.isEmpty()) {
        destinations.put(
            id,
            template == null
                ? Destination.of(id, url, secrets, timeout, format)
                    .withFrequencyCap(cap)
                    .withHeaders(headers)
                : Destination.of(id, url, secrets, timeout, null)
                    .withFrequencyCap(cap)
                    .withHeaders(headers)
                    .withTemplate(template));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return destinations;
  }

  /**
   * The entry's {@code secret}: one string, or a list of two while rotating (both sign). Null when
   * absent, so that {@link Destination#validate} reports it.
   */
  private static List<String> secrets(
      Object value, Map<String, String> env, List<String> problems) {
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> list) {
      List<String> secrets = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        String field = "secret[" + i + "]";
        if (item == null || item instanceof Map || item instanceof List) {
          problems.add(field + ": must be a string");
        } else {
          secrets.add(expand(field, String.valueOf(item), env, problems));
        }
      }
      return secrets;
    }
    if (value instanceof Map) {
      problems.add("secret: must be a string or a list of two strings");
      return null;
    }
    return List.of(expand("secret", String.valueOf(value), env, problems));
  }

  /**
   * The entry's {@code headers}, values resolved from the environment; empty when absent or invalid
   * (then with problems). Never echoes a value: it may be an API key.
   */
  private static Map<String, String> headers(
      Object value, Map<String, String> env, List<String> problems) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> entries)) {
      problems.add("headers: must be a mapping such as {Authorization: \"Bearer ${API_KEY}\"}");
      return Map.of();
    }
    List<String> headerProblems = new ArrayList<>();
    Map<String, String> headers = new LinkedHashMap<>();
    entries.forEach(
        (name, item) -> {
          String field = "headers." + name;
          if (item == null || item instanceof Map || item instanceof List) {
            headerProblems.add(field + ": must be a string");
          } else {
            headers.put(
                String.valueOf(name), expand(field, String.valueOf(item), env, headerProblems));
          }
        });
    if (headerProblems.isEmpty()) {
      headerProblems.addAll(Destination.validateHeaders(headers));
    }
    problems.addAll(headerProblems);
    return headerProblems.isEmpty() ? headers : Map.of();
  }

  /**
   * The entry's {@code template}, compiled and type-checked; null when absent or invalid (then with
   * problems). Its expressions are not expanded from the environment: they are code, not values.
   */
  private static PayloadTemplate template(Object value, String format, List<String> problems) {
    boolean templateFormat = PayloadFormat.TEMPLATE.wireName().equals(format);
    if (value == null) {
      if (templateFormat) {
        problems.add("template: is required with format: template");
      }
      return null;
    }
    if (format != null && !templateFormat) {
      problems.add(
          "template: only with format: template (or no format), format is \"" + format + "\"");
      return null;
    }
    try {
      return PayloadTemplate.compile(value);
    } catch (PayloadTemplate.InvalidTemplateException e) {
      problems.addAll(e.problems());
      return null;
    }
  }

  /** The entry's {@code frequency_cap}, or null when absent or invalid (then with problems). */
  private static FrequencyCap frequencyCap(
      Object value, Map<String, String> env, List<String> problems) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> options)) {
      problems.add("frequency_cap: must be a mapping such as {per: userId, max: 1, within: 16h}");
      return null;
    }
    List<String> capProblems = new ArrayList<>();
    for (Object key : options.keySet()) {
      if (!CAP_FIELDS.contains(String.valueOf(key))) {
        capProblems.add(key + ": unknown field; known: " + known(CAP_FIELDS));
      }
    }
    String per = text(options, "per", env, capProblems);
    String maxText = text(options, "max", env, capProblems);
    String withinText = text(options, "within", env, capProblems);
    Integer max = null;
    if (maxText == null) {
      capProblems.add("max: is required, an integer from 1 to " + FrequencyCap.MAX_MAX);
    } else {
      try {
        max = Integer.parseInt(maxText.strip());
      } catch (NumberFormatException e) {
        capProblems.add(
            "max: must be an integer from 1 to "
                + FrequencyCap.MAX_MAX
                + ", was \""
                + maxText
                + "\"");
      }
    }
    Duration within = null;
    if (withinText == null) {
      capProblems.add("within: is required, a duration such as 16h");
    } else {
      try {
        within = Durations.parse(withinText);
      } catch (IllegalArgumentException e) {
        capProblems.add("within: " + e.getMessage());
      }
    }
    if (capProblems.isEmpty()) {
      capProblems.addAll(FrequencyCap.validate(per, max, within));
    }
    capProblems.forEach(p -> problems.add("frequency_cap." + p));
    return capProblems.isEmpty() ? new FrequencyCap(per, max, within) : null;
  }

  private static String known(Set<String> fields) {
    return String.join(", ", new TreeSet<>(fields));
  }

  private static String text(
      Map<?, ?> entry, String field, Map<String, String> env, List<String> problems) {
    Object value = entry.get(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Map || value instanceof List) {
      problems.add(field + ": must be a string");
      return null;
    }
    return expand(field, String.valueOf(value), env, problems);
  }

  private static String expand(
      String field, String value, Map<String, String> env, List<String> problems) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String resolved = env.get(name);
      if (resolved == null) {
        resolved = m.group(2);
      }
      if (resolved == null) {
        problems.add(field + ": environment variable " + name + " is not set");
        resolved = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    m.appendTail(out);
    return out.toString();
  }
}
