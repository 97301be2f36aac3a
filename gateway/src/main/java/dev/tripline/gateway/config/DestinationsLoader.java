package dev.tripline.gateway.config;

import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.delivery.DestinationLimits;
import dev.tripline.gateway.delivery.DestinationRetry;
import dev.tripline.gateway.delivery.FrequencyCap;
import dev.tripline.gateway.delivery.PayloadFormat;
import dev.tripline.gateway.delivery.PayloadTemplate;
import dev.tripline.gateway.delivery.RetryPolicy;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads the destinations file: a YAML list of {@code id, url, secret, timeout, format}, an optional
 * {@code frequency_cap: {per, max, within}}, {@code headers: {Name: value}} and {@code template:
 * {field: CEL expression}}, an optional {@code retry: {schedule: [..]}} or {@code retry: {count:
 * N}} and {@code disable_after}, the isolation limits {@code max_concurrency, queue, rate_limit,
 * breaker: {failures, cool_off}} and {@code allow_private}. {@code secret} may be a list of two
 * secrets while rotating. String values may reference the environment as {@code ${NAME}} (must be
 * set) or {@code ${NAME:-fallback}}, so secrets stay out of files. Every problem is reported at
 * once, naming the entry and the field, and never printing a secret.
 */
public final class DestinationsLoader {

  private static final Set<String> FIELDS =
      Set.of(
          "id",
          "url",
          "secret",
          "timeout",
          "format",
          "frequency_cap",
          "headers",
          "template",
          "retry",
          "disable_after",
          "max_concurrency",
          "queue",
          "rate_limit",
          "breaker",
          "allow_private");
  private static final Set<String> BREAKER_FIELDS = Set.of("failures", "cool_off");
  private static final Set<String> CAP_FIELDS = Set.of("per", "max", "within");
  private static final Set<String> RETRY_FIELDS = Set.of("schedule", "count");

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
      DestinationRetry retry = retry(entry, env, sectionProblems);
      if (entryProblems.isEmpty()) {
        entryProblems.addAll(Destination.validate(id, url, secrets, timeout, format));
      }
      entryProblems.addAll(sectionProblems);
      List<String> limitProblems = new ArrayList<>();
      DestinationLimits limits = limits(entry, env, limitProblems);
      Boolean allowPrivate = flag(entry, "allow_private", env, limitProblems);
      entryProblems.addAll(limitProblems);
      if (id != null && !seen.add(id)) {
        entryProblems.add("id: duplicate destination id \"" + id + "\"");
      }
      String label = id == null ? where : where + " (" + id + ")";
      entryProblems.forEach(p -> problems.add(label + ": " + p));
      if (entryProblems.isEmpty()) {
        destinations.put(
            id,
            (template == null
                    ? Destination.of(id, url, secrets, timeout, format)
                        .withFrequencyCap(cap)
                        .withHeaders(headers)
                    : Destination.of(id, url, secrets, timeout, null)
                        .withFrequencyCap(cap)
                        .withHeaders(headers)
                        .withTemplate(template))
                .withRetry(retry)
                .withLimits(limits)
                .withAllowPrivate(allowPrivate));
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

  /**
   * The entry's {@code retry: {schedule: [5s, 1m]} | {count: N}} and {@code disable_after}, or null
   * when invalid (then with problems).
   */
  private static DestinationRetry retry(
      Map<?, ?> entry, Map<String, String> env, List<String> problems) {
    int before = problems.size();
    Optional<List<Duration>> schedule = Optional.empty();
    Object value = entry.get("retry");
    if (value != null) {
      if (!(value instanceof Map<?, ?> options)) {
        problems.add("retry: must be a mapping such as {schedule: [5s, 5m, 1h]} or {count: 3}");
      } else {
        for (Object key : options.keySet()) {
          if (!RETRY_FIELDS.contains(String.valueOf(key))) {
            problems.add("retry." + key + ": unknown field; known: " + known(RETRY_FIELDS));
          }
        }
        if (options.containsKey("schedule") && options.containsKey("count")) {
          problems.add("retry: give either schedule or count, not both");
        } else if (options.get("schedule") != null) {
          schedule = schedule(options.get("schedule"), env, problems);
        } else if (options.get("count") != null) {
          String count = text(options, "count", env, problems);
          try {
            schedule = Optional.of(RetryPolicy.defaultSchedule(Integer.parseInt(count.strip())));
          } catch (NumberFormatException e) {
            problems.add(
                "retry.count: must be an integer from 0 to "
                    + RetryPolicy.MAX_RETRIES
                    + ", was \""
                    + count
                    + "\"");
          } catch (IllegalArgumentException e) {
            problems.add("retry." + e.getMessage());
          }
        }
      }
    }
    Optional<Duration> disableAfter = Optional.empty();
    String disableText = text(entry, "disable_after", env, problems);
    if (disableText != null) {
      try {
        disableAfter = Optional.of(Durations.parse(disableText.strip()));
      } catch (IllegalArgumentException e) {
        problems.add("disable_after: " + e.getMessage());
      }
    }
    if (problems.size() > before) {
      return null;
    }
    try {
      return new DestinationRetry(schedule, disableAfter);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      return null;
    }
  }

  /** The entry's isolation limits, defaults for what is absent; null when invalid. */
  private static DestinationLimits limits(
      Map<?, ?> entry, Map<String, String> env, List<String> problems) {
    List<String> limitProblems = new ArrayList<>();
    DestinationLimits d = DestinationLimits.DEFAULTS;
    Integer maxConcurrency =
        integer(entry, "max_concurrency", d.maxConcurrency(), env, limitProblems);
    Integer queue = integer(entry, "queue", d.queue(), env, limitProblems);
    Double rateLimit = null;
    String rateText = text(entry, "rate_limit", env, limitProblems);
    if (rateText == null) {
      rateLimit = d.rateLimit();
    } else {
      try {
        rateLimit = Double.parseDouble(rateText.strip());
        if (!(rateLimit > 0)) {
          // 0 would silently mean "no limit": the author omits the key for that
          limitProblems.add(
              "rate_limit: must be > 0 requests/s (omit it for no limit), was " + rateText);
        }
      } catch (NumberFormatException e) {
        limitProblems.add(
            "rate_limit: must be a number of requests per second, was \"" + rateText + "\"");
      }
    }
    Integer failures = d.breakerFailures();
    Duration coolOff = d.breakerCoolOff();
    Object breaker = entry.get("breaker");
    if (breaker != null) {
      if (!(breaker instanceof Map<?, ?> options)) {
        limitProblems.add("breaker: must be a mapping such as {failures: 5, cool_off: 30s}");
        failures = null;
      } else {
        for (Object key : options.keySet()) {
          if (!BREAKER_FIELDS.contains(String.valueOf(key))) {
            limitProblems.add(
                "breaker." + key + ": unknown field; known: " + known(BREAKER_FIELDS));
          }
        }
        List<String> breakerProblems = new ArrayList<>();
        failures = integer(options, "failures", failures, env, breakerProblems);
        String coolOffText = text(options, "cool_off", env, breakerProblems);
        if (coolOffText != null) {
          try {
            coolOff = Durations.parse(coolOffText);
          } catch (IllegalArgumentException e) {
            breakerProblems.add("cool_off: " + e.getMessage());
            coolOff = null;
          }
        }
        breakerProblems.forEach(p -> limitProblems.add("breaker." + p));
      }
    }
    if (limitProblems.isEmpty()) {
      limitProblems.addAll(
          DestinationLimits.validate(maxConcurrency, queue, rateLimit, failures, coolOff));
    }
    problems.addAll(limitProblems);
    return limitProblems.isEmpty()
        ? new DestinationLimits(maxConcurrency, queue, rateLimit, failures, coolOff)
        : null;
  }

  private static Integer integer(
      Map<?, ?> entry, String field, int fallback, Map<String, String> env, List<String> problems) {
    String value = text(entry, field, env, problems);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      problems.add(field + ": must be an integer, was \"" + value + "\"");
      return null;
    }
  }

  private static Optional<List<Duration>> schedule(
      Object value, Map<String, String> env, List<String> problems) {
    if (!(value instanceof List<?> items)) {
      problems.add("retry.schedule: must be a list of durations such as [5s, 5m, 1h]");
      return Optional.empty();
    }
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      String field = "retry.schedule[" + i + "]";
      if (item == null || item instanceof Map || item instanceof List) {
        problems.add(field + ": must be a duration such as 5m");
        continue;
      }
      String text = expand(field, String.valueOf(item), env, problems);
      try {
        Duration wait = Durations.parse(text.strip());
        if (wait.isZero() || wait.isNegative()) {
          problems.add(field + ": must be > 0s, was \"" + text + "\"");
        }
        waits.add(wait);
      } catch (IllegalArgumentException e) {
        problems.add(field + ": " + e.getMessage());
      }
    }
    if (waits.size() > RetryPolicy.MAX_RETRIES) {
      problems.add(
          "retry.schedule: must list at most "
              + RetryPolicy.MAX_RETRIES
              + " waits, had "
              + waits.size());
    }
    return Optional.of(waits);
  }

  private static Boolean flag(
      Map<?, ?> entry, String field, Map<String, String> env, List<String> problems) {
    String value = text(entry, field, env, problems);
    if (value == null) {
      return false;
    }
    return switch (value.strip()) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problems.add(field + ": must be true or false, was \"" + value + "\"");
        yield null;
      }
    };
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
    return EnvReferences.expand(
        value, env, name -> problems.add(field + ": environment variable " + name + " is not set"));
  }
}
