package dev.tripline.rules;

import dev.tripline.rules.yaml.Suggestions;
import dev.tripline.rules.yaml.YamlDocument;
import dev.tripline.rules.yaml.YamlMapping;
import dev.tripline.rules.yaml.YamlString;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads one rule mapping into a {@link Rule}, reporting every problem into the document's
 * collector. Knows the rule schema; knows nothing about files or other rules.
 */
final class RuleReader {

  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  static final Set<String> FIELDS =
      Set.of(
          "id",
          "description",
          "version",
          "enabled",
          "on",
          "where",
          "detect",
          "cooldown",
          "notify",
          "severity",
          "labels",
          "new_keys");

  /** The keys of a detector part's filter ({@code start}, {@code cancel}, a step). */
  static final Set<String> FILTER_FIELDS = Set.of("on", "where");

  /** Label keys: short, lower case, safe in any receiver's field names. */
  static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

  static final int MAX_LABELS = 32;
  static final int MAX_LABEL_VALUE_LENGTH = 256;

  /** Detector kinds by their YAML name; a new kind registers its reader here. */
  static final Map<String, DetectorReader> DETECTORS = detectors();

  private final CelConditions conditions;
  private final Set<String> knownDestinations;

  RuleReader(CelConditions conditions, Set<String> knownDestinations) {
    this.conditions = conditions;
    this.knownDestinations = Set.copyOf(knownDestinations);
  }

  /**
   * What was read: the id (when valid) and where it is written, even if the rule as a whole is
   * invalid, so that duplicates are still found.
   */
  record Result(
      Optional<String> id, SourcePosition idPosition, Optional<Rule> rule, boolean enabled) {}

  Result read(YamlMapping m) {
    YamlDocument document = m.document();
    int before = document.problems().size();
    m.rejectUnknownKeys(FIELDS);
    Optional<String> id =
        m.requiredString("id")
            .filter(v -> m.check("id", ID.matcher(v).matches(), "must match " + ID));
    Optional<String> description = m.optionalString("description");
    Optional<String> version = version(m);
    boolean enabled = m.optionalBoolean("enabled").orElse(true);
    List<YamlString> on = m.optionalStrings("on").orElse(List.of());
    on.forEach(type -> notBlank(document, type));
    Optional<ScalarNode> where = m.optionalScalar("where");
    Optional<Condition> condition = where.flatMap(node -> compile(m, node));
    Optional<DetectorSpec> detector = m.requiredMapping("detect").flatMap(this::detector);
    Duration cooldown = m.optionalDuration("cooldown").orElse(Duration.ZERO);
    List<YamlString> destinations = m.optionalStrings("notify").orElse(List.of());
    destinations.forEach(destination -> knownDestination(document, destination));
    Severity severity = m.optionalChoice("severity", Severity.class).orElse(Severity.DEFAULT);
    Map<String, String> labels = labels(m);
    Optional<YamlMapping> newKeysMapping = m.optionalMapping("new_keys");
    Optional<NewKeys> newKeys =
        newKeysMapping.flatMap(keys -> NewKeysReader.read(keys, this::filterFields));

    if (document.problems().size() > before || id.isEmpty() || detector.isEmpty()) {
      return new Result(id, m.valuePosition("id"), Optional.empty(), enabled);
    }
    List<String> types = on.stream().map(YamlString::value).toList();
    if (!types.isEmpty() && !partsReachable(m, types, detector.get())) {
      return new Result(id, m.valuePosition("id"), Optional.empty(), enabled);
    }
    List<String> notify = destinations.stream().map(YamlString::value).distinct().toList();
    String definition =
        RuleVersions.hash(
            types, where.map(ScalarNode::getValue).orElse(null), detector.get(), cooldown, notify);
    Rule rule =
        new Rule(
            id.get(),
            version.orElse(definition),
            definition,
            description.orElse(""),
            Set.copyOf(types),
            condition.orElse(Condition.ALWAYS),
            detector.get(),
            cooldown,
            notify,
            severity,
            labels,
            newKeys.orElse(NewKeys.ANY),
            m.position());
    if (newKeysMapping.isPresent() && !admitsTypesItSees(newKeysMapping.get(), rule)) {
      return new Result(id, m.valuePosition("id"), Optional.empty(), enabled);
    }
    return new Result(id, m.valuePosition("id"), Optional.of(rule), enabled);
  }

  /**
   * Whether a rule's {@code on} lets every typed part of its detector see its events: an absence
   * rule whose {@code on} names only the start types would never see a cancel, and fire on every
   * start. Reports each part it starves.
   */
  private static boolean partsReachable(YamlMapping m, List<String> on, DetectorSpec detector) {
    boolean reachable = true;
    Set<String> detectorTypes = detector.types();
    if (!detectorTypes.isEmpty() && on.stream().noneMatch(detectorTypes::contains)) {
      m.report(
          "on",
          "shares no type with the types the detector names ("
              + String.join(", ", new TreeSet<>(detectorTypes))
              + "), so the rule could never see an event");
      return false;
    }
    for (Map.Entry<String, Set<String>> part : detector.partTypes().entrySet()) {
      Set<String> partTypes = part.getValue();
      if (!partTypes.isEmpty() && on.stream().noneMatch(partTypes::contains)) {
        m.report(
            "on",
            "lets no event of detect."
                + detector.kind()
                + "."
                + part.getKey()
                + " through (its types: "
                + String.join(", ", new TreeSet<>(partTypes))
                + "); add them to on, or remove on");
        reachable = false;
      }
    }
    return reachable;
  }

  /**
   * Whether {@code new_keys.on} names a type the rule sees: if not, no key could ever be opened.
   * Reports it otherwise.
   */
  private static boolean admitsTypesItSees(YamlMapping newKeys, Rule rule) {
    Set<String> admitted = rule.newKeys().admit().on();
    Set<String> seen = rule.types();
    if (admitted.isEmpty() || seen.isEmpty() || admitted.stream().anyMatch(seen::contains)) {
      return true;
    }
    newKeys.report(
        "on",
        "shares no type with the types the rule sees ("
            + String.join(", ", new TreeSet<>(seen))
            + "), so no key could ever be opened");
    return false;
  }

  /** {@code labels:}, a mapping of label keys to strings; problems are reported. */
  private static Map<String, String> labels(YamlMapping m) {
    Optional<YamlMapping> mapping = m.optionalMapping("labels");
    if (mapping.isEmpty()) {
      return Map.of();
    }
    YamlMapping labels = mapping.get();
    Map<String, String> result = new LinkedHashMap<>();
    if (labels.keys().size() > MAX_LABELS) {
      m.check("labels", false, "must have at most " + MAX_LABELS + " labels");
    }
    for (String key : labels.keys()) {
      if (!LABEL_KEY.matcher(key).matches()) {
        labels.reportKey(key, "label key must match " + LABEL_KEY + ", was \"" + key + "\"");
        continue;
      }
      labels
          .optionalString(key)
          .filter(
              value ->
                  labels.check(
                      key,
                      value.length() <= MAX_LABEL_VALUE_LENGTH,
                      "must be at most " + MAX_LABEL_VALUE_LENGTH + " characters"))
          .ifPresent(value -> result.put(key, value));
    }
    return result;
  }

  private static Optional<String> version(YamlMapping m) {
    Optional<Node> node = m.node("version");
    if (node.isEmpty()) {
      return Optional.empty();
    }
    if (!(node.get() instanceof ScalarNode scalar)) {
      m.check("version", false, "must be a string or an integer");
      return Optional.empty();
    }
    return Optional.of(scalar.getValue())
        .filter(v -> m.check("version", !v.isBlank(), "must not be empty"));
  }

  /** Reads a detector part's {@code {on, where}} mapping. */
  private Optional<EventFilter> filter(YamlMapping m) {
    m.rejectUnknownKeys(FILTER_FIELDS);
    return filterFields(m);
  }

  /** Reads {@code on} and {@code where} of a mapping that may hold other keys too. */
  private Optional<EventFilter> filterFields(YamlMapping m) {
    YamlDocument document = m.document();
    int before = document.problems().size();
    List<YamlString> on = m.optionalStrings("on").orElse(List.of());
    on.forEach(type -> notBlank(document, type));
    Optional<ScalarNode> where = m.optionalScalar("where");
    Optional<Condition> condition = where.flatMap(node -> compile(m, node));
    if (document.problems().size() > before) {
      return Optional.empty();
    }
    return Optional.of(
        new EventFilter(
            on.stream().map(YamlString::value).collect(java.util.stream.Collectors.toSet()),
            condition.orElse(Condition.ALWAYS),
            where.map(ScalarNode::getValue).orElse("")));
  }

  /** Compiles {@code where:}, placing each CEL issue at its line and column in the file. */
  private Optional<Condition> compile(YamlMapping m, ScalarNode node) {
    YamlDocument document = m.document();
    try {
      return Optional.of(conditions.compile(node.getValue()));
    } catch (InvalidConditionException e) {
      for (ConditionIssue issue : e.issues()) {
        document
            .problems()
            .add(document.position(node, issue.offset()), m.path("where"), issue.message());
      }
      return Optional.empty();
    }
  }

  private Optional<DetectorSpec> detector(YamlMapping detect) {
    Set<String> kinds = new TreeSet<>(DETECTORS.keySet());
    String known = " (known kinds: " + String.join(", ", kinds) + ")";
    if (detect.keys().isEmpty()) {
      detect
          .document()
          .problems()
          .add(detect.position(), detect.path(), "must name a detector kind" + known);
      return Optional.empty();
    }
    Optional<DetectorSpec> spec = Optional.empty();
    String first = null;
    boolean valid = true;
    for (String kind : detect.keys()) {
      DetectorReader reader = DETECTORS.get(kind);
      if (reader == null) {
        detect.reportKey(
            kind, "unknown detector kind" + Suggestions.didYouMean(kind, kinds) + known);
        valid = false;
        continue;
      }
      if (first != null) {
        detect.reportKey(kind, "only one detector kind per rule, already has `" + first + "`");
        valid = false;
      } else {
        first = kind;
      }
      // read every kind present, so that all of their problems show at once
      Optional<DetectorSpec> read =
          detect.requiredMapping(kind).flatMap(options -> reader.read(options, this::filter));
      if (spec.isEmpty()) {
        spec = read;
      }
      valid &= read.isPresent();
    }
    return valid ? spec : Optional.empty();
  }

  private static void notBlank(YamlDocument document, YamlString value) {
    if (value.value().isBlank()) {
      document.problems().add(value.position(), value.path(), "must not be empty");
    }
  }

  private void knownDestination(YamlDocument document, YamlString destination) {
    if (knownDestinations.contains(destination.value())) {
      return;
    }
    Set<String> known = new TreeSet<>(knownDestinations);
    String suggestion =
        Suggestions.closest(destination.value(), known)
            .map(s -> "; did you mean `" + s + "`?")
            .orElse("");
    document
        .problems()
        .add(
            destination.position(),
            destination.path(),
            "unknown destination `"
                + destination.value()
                + "`; known: "
                + (known.isEmpty() ? "none" : String.join(", ", known))
                + suggestion);
  }

  private static Map<String, DetectorReader> detectors() {
    Map<String, DetectorReader> readers = new LinkedHashMap<>();
    readers.put("threshold", (options, filters) -> ThresholdReader.read(options));
    readers.put("velocity", (options, filters) -> VelocityReader.read(options));
    readers.put("absence", AbsenceReader::read);
    readers.put("sequence", SequenceReader::read);
    return Collections.unmodifiableMap(readers);
  }
}
