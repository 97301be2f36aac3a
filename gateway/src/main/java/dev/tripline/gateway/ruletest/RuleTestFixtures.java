package dev.tripline.gateway.ruletest;

import dev.tripline.gateway.ruletest.RuleTestCase.Advance;
import dev.tripline.gateway.ruletest.RuleTestCase.EventStep;
import dev.tripline.gateway.ruletest.RuleTestCase.ExpectedDetection;
import dev.tripline.gateway.ruletest.RuleTestCase.Step;
import dev.tripline.gateway.store.EventDocuments;
import dev.tripline.rules.Durations;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads rule fixture files: {@code *.test.yaml} (or {@code .yml}) next to the rules, each a list of
 * tests:
 *
 * <pre>{@code
 * - name: twenty events from one IP fire once
 *   start: 2026-01-01T00:00:00Z          # optional
 *   steps:
 *     - event: {type: page_view, ip: 203.0.113.7}
 *       repeat: 20                       # optional, default 1; {n} in the event's strings
 *                                        # is the copy's number: userId: "u{n}"
 *       every: 1s                        # optional, default 0s
 *       profile: {traits: {plan: pro}}   # optional: event.profile, as after an identify
 *     - advance: 30s
 *   expect:
 *     detections:
 *       - {rule: repeat-ip, key: {ip: 203.0.113.7}}
 *     webhooks: 1                        # optional
 * }</pre>
 *
 * Every problem is collected, named by file, test and step, and thrown at once.
 */
public final class RuleTestFixtures {

  /** The fake clock's start when a test names none. */
  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  static final int MAX_REPEAT = 100_000;

  private static final Set<String> TEST_FIELDS = Set.of("name", "start", "steps", "expect");
  private static final Set<String> STEP_FIELDS =
      Set.of("event", "repeat", "every", "advance", "profile");
  private static final Set<String> EXPECT_FIELDS = Set.of("detections", "webhooks");
  private static final Set<String> DETECTION_FIELDS = Set.of("rule", "key");

  private final List<String> problems = new ArrayList<>();

  private RuleTestFixtures() {}

  /** The fixture files under {@code dir}, in path order. */
  public static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              file -> {
                String name = file.getFileName().toString();
                return name.endsWith(".test.yaml") || name.endsWith(".test.yml");
              })
          .filter(file -> !dir.relativize(file).toString().startsWith("."))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    }
  }

  /**
   * The tests of one fixture file.
   *
   * @throws IllegalArgumentException listing every problem, one per line
   */
  public static List<RuleTestCase> parse(String file, String yaml) {
    RuleTestFixtures reader = new RuleTestFixtures();
    List<RuleTestCase> tests = reader.tests(file, yaml);
    if (!reader.problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", reader.problems));
    }
    return tests;
  }

  private List<RuleTestCase> tests(String file, String yaml) {
    Object root;
    try {
      root =
          new Load(LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false).build())
              .loadFromString(yaml);
    } catch (YamlEngineException e) {
      problems.add(file + ": invalid YAML: " + e.getMessage().replace('\n', ' '));
      return List.of();
    }
    if (root == null) {
      return List.of();
    }
    if (!(root instanceof List<?> list)) {
      problems.add(file + ": must be a list of tests");
      return List.of();
    }
    List<RuleTestCase> tests = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = file + ": tests[" + i + "]";
      Map<String, Object> test = mapping(list.get(i), at, TEST_FIELDS);
      if (test == null) {
        continue;
      }
      String name = test.get("name") instanceof String text ? text : null;
      if (name == null || name.isBlank()) {
        problems.add(at + ".name: is required, a string");
        name = "tests[" + i + "]";
      }
      at = file + ": " + name;
      Instant start = START;
      if (test.containsKey("start")) {
        try {
          start = Instant.parse(String.valueOf(test.get("start")));
        } catch (DateTimeParseException e) {
          problems.add(at + ": start: must be an ISO-8601 instant, was " + test.get("start"));
        }
      }
      List<Step> steps = steps(test.get("steps"), at);
      Map<String, Object> expect =
          test.containsKey("expect")
              ? mapping(test.get("expect"), at + ": expect", EXPECT_FIELDS)
              : null;
      if (expect == null) {
        problems.add(at + ": expect: is required, with detections and optionally webhooks");
        continue;
      }
      List<ExpectedDetection> detections = detections(expect.get("detections"), at);
      Integer webhooks = null;
      if (expect.containsKey("webhooks")) {
        if (expect.get("webhooks") instanceof Integer n && n >= 0) {
          webhooks = n;
        } else {
          problems.add(
              at + ": expect.webhooks: must be an integer >= 0, was " + expect.get("webhooks"));
        }
      }
      tests.add(new RuleTestCase(file, name, start, steps, detections, webhooks));
    }
    return tests;
  }

  private List<Step> steps(Object value, String at) {
    if (!(value instanceof List<?> list)) {
      problems.add(at + ": steps: is required, a list of events and advances");
      return List.of();
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = at + ": steps[" + i + "]";
      Map<String, Object> step = mapping(list.get(i), where, STEP_FIELDS);
      if (step == null) {
        continue;
      }
      if (step.containsKey("advance") == step.containsKey("event")) {
        problems.add(where + ": must have exactly one of event or advance");
        continue;
      }
      if (step.containsKey("advance")) {
        duration(step.get("advance"), where + ".advance").ifPresent(d -> steps.add(new Advance(d)));
        continue;
      }
      if (!(step.get("event") instanceof Map<?, ?> event)) {
        problems.add(where + ".event: must be a mapping (a canonical event)");
        continue;
      }
      int repeat = 1;
      if (step.containsKey("repeat")) {
        if (step.get("repeat") instanceof Integer n && n >= 1 && n <= MAX_REPEAT) {
          repeat = n;
        } else {
          problems.add(
              where
                  + ".repeat: must be an integer from 1 to "
                  + MAX_REPEAT
                  + ", was "
                  + step.get("repeat"));
          continue;
        }
      }
      Duration every = Duration.ZERO;
      if (step.containsKey("every")) {
        Optional<Duration> parsed = duration(step.get("every"), where + ".every");
        if (parsed.isEmpty()) {
          continue;
        }
        every = parsed.get();
      }
      Map<String, Object> profile = null;
      if (step.containsKey("profile")) {
        if (!(step.get("profile") instanceof Map<?, ?> given)) {
          problems.add(where + ".profile: must be a mapping, e.g. {traits: {plan: pro}}");
          continue;
        }
        profile = EventDocuments.fromJson(new JsonObject(stringKeys(given)));
      }
      steps.add(new EventStep(new JsonObject(stringKeys(event)), repeat, every, where, profile));
    }
    return steps;
  }

  private List<ExpectedDetection> detections(Object value, String at) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      problems.add(at + ": expect.detections: must be a list of {rule, key}");
      return List.of();
    }
    List<ExpectedDetection> detections = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = at + ": expect.detections[" + i + "]";
      Map<String, Object> detection = mapping(list.get(i), where, DETECTION_FIELDS);
      if (detection == null) {
        continue;
      }
      if (!(detection.get("rule") instanceof String rule)) {
        problems.add(where + ".rule: is required, a rule id");
        continue;
      }
      if (!(detection.get("key") instanceof Map<?, ?> key)) {
        problems.add(where + ".key: is required, a mapping of group-by field to value");
        continue;
      }
      detections.add(new ExpectedDetection(rule, stringKeys(key)));
    }
    return detections;
  }

  private Optional<Duration> duration(Object value, String where) {
    try {
      return Optional.of(Durations.parse(String.valueOf(value)));
    } catch (IllegalArgumentException e) {
      problems.add(where + ": must be a duration such as 30s, 5m or 1h, was " + value);
      return Optional.empty();
    }
  }

  private Map<String, Object> mapping(Object value, String where, Set<String> fields) {
    if (!(value instanceof Map<?, ?> map)) {
      problems.add(where + ": must be a mapping");
      return null;
    }
    Map<String, Object> result = stringKeys(map);
    for (String key : result.keySet()) {
      if (!fields.contains(key)) {
        problems.add(
            where
                + ": "
                + key
                + ": unknown field (known: "
                + String.join(", ", new TreeSet<>(fields))
                + ")");
      }
    }
    return result;
  }

  private static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> result = new LinkedHashMap<>();
    map.forEach((key, value) -> result.put(String.valueOf(key), plain(value)));
    return result;
  }

  /** YAML values as JSON-ready ones: nested maps with string keys, timestamps as text. */
  private static Object plain(Object value) {
    if (value instanceof Map<?, ?> map) {
      return stringKeys(map);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(RuleTestFixtures::plain).toList();
    }
    return value;
  }
}
