package dev.tripline.rules.yaml;

import dev.tripline.rules.Durations;
import dev.tripline.rules.SourcePosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Typed, position-aware reads of one YAML mapping, for schema validation that reports every problem
 * instead of stopping at the first.
 *
 * <p>Every reader returns an {@link Optional}: empty when the key is absent (a required key then
 * reports {@code is required}) or when the value is invalid (reported as {@code must be <what>, was
 * <value>} at the value). A key whose value is YAML null ({@code key:} or {@code ~}) counts as
 * absent. Callers build their object only when every part is present, and otherwise let the
 * collected {@link Problems} speak.
 */
public final class YamlMapping {

  private final YamlDocument document;
  private final MappingNode node;
  private final String path;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

  YamlMapping(YamlDocument document, MappingNode node, String path) {
    this.document = document;
    this.node = node;
    this.path = path == null ? "" : path;
    for (NodeTuple tuple : node.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key) {
        // duplicates were reported when the document was parsed; the first one wins here
        entries.putIfAbsent(key.getValue(), tuple);
      }
    }
  }

  /** The document this mapping belongs to. */
  public YamlDocument document() {
    return document;
  }

  /** The underlying node. */
  public MappingNode node() {
    return node;
  }

  /** This mapping's own path, e.g. {@code detect.threshold}; empty at the top. */
  public String path() {
    return path;
  }

  /** The path of a key of this mapping. */
  public String path(String key) {
    return join(path, key);
  }

  /** Where this mapping starts. */
  public SourcePosition position() {
    return document.position(node);
  }

  /** The keys in document order. */
  public Set<String> keys() {
    return entries.keySet();
  }

  /** Whether {@code key} is present with a non-null value. */
  public boolean has(String key) {
    return node(key).isPresent();
  }

  /** The value node of {@code key}, unless absent or null. */
  public Optional<Node> node(String key) {
    NodeTuple tuple = entries.get(key);
    if (tuple == null || YamlDocument.isNull(tuple.getValueNode())) {
      return Optional.empty();
    }
    return Optional.of(tuple.getValueNode());
  }

  /** Where {@code key} is written, or this mapping's start when absent. */
  public SourcePosition keyPosition(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple == null ? position() : document.position(tuple.getKeyNode());
  }

  /** Where the value of {@code key} starts, or this mapping's start when absent. */
  public SourcePosition valuePosition(String key) {
    return node(key).map(document::position).orElse(position());
  }

  /** A scalar value as text (numbers and booleans included, as written). */
  public Optional<String> optionalString(String key) {
    return node(key).flatMap(value -> string(value, path(key)));
  }

  /** Like {@link #optionalString} but reports {@code is required} when absent. */
  public Optional<String> requiredString(String key) {
    return required(key) ? optionalString(key) : Optional.empty();
  }

  /** The scalar node of {@code key}, for callers that need positions inside the value. */
  public Optional<ScalarNode> optionalScalar(String key) {
    return node(key)
        .flatMap(
            value -> {
              if (value instanceof ScalarNode scalar) {
                return Optional.of(scalar);
              }
              report(key, "must be a string, was " + YamlDocument.describe(value));
              return Optional.empty();
            });
  }

  /**
   * An integer in {@code [min, max]}. A message names the bound that was violated; for a value that
   * is no integer at all it names the lower bound ({@code must be an integer >= 1, was "twenty"}),
   * or the upper one when there is no lower bound.
   */
  public Optional<Integer> optionalInt(String key, int min, int max) {
    return node(key).flatMap(value -> integer(value, path(key), min, max));
  }

  /** Like {@link #optionalInt} but reports {@code is required} when absent. */
  public Optional<Integer> requiredInt(String key, int min, int max) {
    return required(key) ? optionalInt(key, min, max) : Optional.empty();
  }

  /**
   * An integer or a list of integers, each in {@code [min, max]} and reported at its own position
   * ({@code at_step: 3} and {@code at_step: [2, 3]} both work). Empty when any item is invalid.
   */
  public Optional<List<Integer>> optionalInts(String key, int min, int max) {
    Optional<Node> value = node(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!(value.get() instanceof SequenceNode sequence)) {
      return integer(value.get(), path(key), min, max).map(List::of);
    }
    List<Integer> items = new ArrayList<>();
    boolean valid = true;
    int index = 0;
    for (Node item : sequence.getValue()) {
      Optional<Integer> parsed = integer(item, path(key) + "[" + index++ + "]", min, max);
      parsed.ifPresent(items::add);
      valid &= parsed.isPresent();
    }
    return valid ? Optional.of(List.copyOf(items)) : Optional.empty();
  }

  private Optional<Integer> integer(Node value, String valuePath, int min, int max) {
    String shape =
        min != Integer.MIN_VALUE
            ? "an integer >= " + min
            : max != Integer.MAX_VALUE ? "an integer <= " + max : "an integer";
    long parsed;
    try {
      if (!(value instanceof ScalarNode scalar)) {
        throw new NumberFormatException();
      }
      parsed = Long.parseLong(scalar.getValue().strip());
    } catch (NumberFormatException e) {
      mustBe(valuePath, value, shape);
      return Optional.empty();
    }
    if (parsed < min) {
      mustBe(valuePath, value, "an integer >= " + min);
      return Optional.empty();
    }
    if (parsed > max) {
      mustBe(valuePath, value, "an integer <= " + max);
      return Optional.empty();
    }
    return Optional.of((int) parsed);
  }

  /**
   * A finite number in {@code [min, max]} (integers and decimals alike). A message names the bound
   * that was violated, or the lower bound for a value that is no number at all.
   */
  public Optional<Double> optionalNumber(String key, double min, double max) {
    Optional<Node> value = node(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    double parsed;
    try {
      if (!(value.get() instanceof ScalarNode scalar) || YamlDocument.isNull(scalar)) {
        throw new NumberFormatException();
      }
      parsed = Double.parseDouble(scalar.getValue().strip());
      if (!Double.isFinite(parsed)) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      mustBe(path(key), value.get(), "a number >= " + number(min));
      return Optional.empty();
    }
    if (parsed < min) {
      mustBe(path(key), value.get(), "a number >= " + number(min));
      return Optional.empty();
    }
    if (parsed > max) {
      mustBe(path(key), value.get(), "a number <= " + number(max));
      return Optional.empty();
    }
    return Optional.of(parsed);
  }

  /** Like {@link #optionalNumber} but reports {@code is required} when absent. */
  public Optional<Double> requiredNumber(String key, double min, double max) {
    return required(key) ? optionalNumber(key, min, max) : Optional.empty();
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }

  /**
   * One of an enum's constants, written in lower case ({@code keep}, {@code high}); anything else
   * is reported with the choices ({@code must be reset or keep}, {@code must be one of a, b, c}).
   */
  public <E extends Enum<E>> Optional<E> optionalChoice(String key, Class<E> type) {
    E[] constants = type.getEnumConstants();
    List<String> names =
        Arrays.stream(constants).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
    return optionalString(key)
        .flatMap(
            value -> {
              int index = names.indexOf(value);
              if (index >= 0) {
                return Optional.of(constants[index]);
              }
              check(
                  key,
                  false,
                  "must be "
                      + (names.size() == 2
                          ? names.get(0) + " or " + names.get(1)
                          : "one of " + String.join(", ", names)));
              return Optional.empty();
            });
  }

  /** {@code true} or {@code false}. */
  public Optional<Boolean> optionalBoolean(String key) {
    return node(key)
        .flatMap(
            value -> {
              if (value instanceof ScalarNode && Tag.BOOL.equals(value.getTag())) {
                return Optional.of(Boolean.parseBoolean(((ScalarNode) value).getValue()));
              }
              mustBe(path(key), value, "true or false");
              return Optional.empty();
            });
  }

  /** A duration in the {@link Durations} syntax. */
  public Optional<Duration> optionalDuration(String key) {
    return node(key)
        .flatMap(
            value -> {
              if (value instanceof ScalarNode scalar) {
                try {
                  return Optional.of(Durations.parse(scalar.getValue()));
                } catch (IllegalArgumentException e) {
                  // fall through to the message below
                }
              }
              mustBe(path(key), value, Durations.ACCEPTED);
              return Optional.empty();
            });
  }

  /** Like {@link #optionalDuration} but reports {@code is required} when absent. */
  public Optional<Duration> requiredDuration(String key) {
    return required(key) ? optionalDuration(key) : Optional.empty();
  }

  /**
   * A string or a list of strings, each with its own path and position ({@code on: signup} and
   * {@code on: [signup, login]} both work). An empty list is returned as such.
   */
  public Optional<List<YamlString>> optionalStrings(String key) {
    Optional<Node> value = node(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.get() instanceof ScalarNode scalar) {
      return Optional.of(
          List.of(new YamlString(scalar.getValue(), path(key), document.position(scalar))));
    }
    if (!(value.get() instanceof SequenceNode sequence)) {
      mustBe(path(key), value.get(), "a string or a list of strings");
      return Optional.empty();
    }
    List<YamlString> items = new ArrayList<>();
    boolean valid = true;
    int index = 0;
    for (Node item : sequence.getValue()) {
      String itemPath = path(key) + "[" + index++ + "]";
      Optional<String> text = string(item, itemPath);
      if (text.isPresent()) {
        items.add(new YamlString(text.get(), itemPath, document.position(item)));
      } else {
        valid = false;
      }
    }
    return valid ? Optional.of(List.copyOf(items)) : Optional.empty();
  }

  /** Like {@link #optionalStrings} but reports {@code is required} when absent. */
  public Optional<List<YamlString>> requiredStrings(String key) {
    return required(key) ? optionalStrings(key) : Optional.empty();
  }

  /** A nested mapping. */
  public Optional<YamlMapping> optionalMapping(String key) {
    return node(key).flatMap(value -> document.mapping(value, path(key)));
  }

  /** Like {@link #optionalMapping} but reports {@code is required} when absent. */
  public Optional<YamlMapping> requiredMapping(String key) {
    return required(key) ? optionalMapping(key) : Optional.empty();
  }

  /**
   * A list of mappings, e.g. a list of steps; empty when any item is no mapping (each reported).
   */
  public Optional<List<YamlMapping>> optionalMappings(String key) {
    return optionalMappings(key, Optional::of);
  }

  /**
   * A list of mappings, each read by {@code item} (which reports its own problems). Every item is
   * read, so that the problems of all of them show at once; empty when any item is no mapping or
   * could not be read.
   */
  public <T> Optional<List<T>> optionalMappings(
      String key, Function<YamlMapping, Optional<T>> item) {
    Optional<Node> value = node(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!(value.get() instanceof SequenceNode sequence)) {
      mustBe(path(key), value.get(), "a list of mappings");
      return Optional.empty();
    }
    List<T> items = new ArrayList<>();
    boolean valid = true;
    int index = 0;
    for (Node node : sequence.getValue()) {
      Optional<T> read =
          document.mapping(node, path(key) + "[" + index++ + "]").flatMap(item::apply);
      read.ifPresent(items::add);
      valid &= read.isPresent();
    }
    return valid ? Optional.of(List.copyOf(items)) : Optional.empty();
  }

  /**
   * Like {@link #optionalMappings(String, Function)} but reports {@code is required} when absent.
   */
  public <T> Optional<List<T>> requiredMappings(
      String key, Function<YamlMapping, Optional<T>> item) {
    return required(key) ? optionalMappings(key, item) : Optional.empty();
  }

  /**
   * Reports each key not in {@code known} as an unknown field, with a "did you mean" suggestion
   * when one is close, or else the list of known fields.
   */
  public void rejectUnknownKeys(Set<String> known) {
    for (NodeTuple tuple : node.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key && !known.contains(key.getValue())) {
        String suggestion = Suggestions.didYouMean(key.getValue(), known);
        document.report(
            key,
            path(key.getValue()),
            "unknown field"
                + (suggestion.isEmpty()
                    ? " (known: " + String.join(", ", new TreeSet<>(known)) + ")"
                    : suggestion));
      }
    }
  }

  /**
   * Reports {@code <constraint>, was <value>} at the value of {@code key} unless {@code ok}, for
   * checks beyond the readers' own, e.g. {@code check("within", !d.isZero(), "must be > 0s")}.
   *
   * @return {@code ok}, so that the check can sit in an {@link Optional#filter}
   */
  public boolean check(String key, boolean ok, String constraint) {
    if (!ok) {
      report(
          key,
          constraint + node(key).map(value -> ", was " + YamlDocument.describe(value)).orElse(""));
    }
    return ok;
  }

  /** Records a problem at the value of {@code key} (or this mapping when absent). */
  public void report(String key, String message) {
    document.problems().add(valuePosition(key), path(key), message);
  }

  /** Records a problem at the key itself, e.g. for a field that must not be there. */
  public void reportKey(String key, String message) {
    document.problems().add(keyPosition(key), path(key), message);
  }

  static String join(String path, String key) {
    return path == null || path.isEmpty() ? key : path + "." + key;
  }

  private boolean required(String key) {
    if (has(key)) {
      return true;
    }
    document.problems().add(position(), path(key), "is required");
    return false;
  }

  private void mustBe(String valuePath, Node value, String what) {
    document.report(value, valuePath, "must be " + what + ", was " + YamlDocument.describe(value));
  }

  private Optional<String> string(Node value, String valuePath) {
    if (value instanceof ScalarNode scalar && !YamlDocument.isNull(scalar)) {
      return Optional.of(scalar.getValue());
    }
    document.report(value, valuePath, "must be a string, was " + YamlDocument.describe(value));
    return Optional.empty();
  }
}
