package dev.tripline.rules;

import dev.tripline.rules.yaml.YamlDocument;
import dev.tripline.rules.yaml.YamlMapping;
import dev.tripline.rules.yaml.YamlString;
import java.util.List;
import java.util.Optional;

/** Reads event field paths in detector options: {@code group_by} and single paths. */
final class KeyPaths {

  private KeyPaths() {}

  /**
   * The fields that differ on every event: a key made of one would never repeat, so a rule keyed by
   * it would hold one key per event (unbounded keys) and never fire.
   */
  static final java.util.Set<String> UNIQUE_PER_EVENT = java.util.Set.of("id");

  /**
   * A required, non-empty list of valid field paths that make a key, e.g. {@code group_by: [ip]}; a
   * field unique to every event is refused.
   */
  static Optional<List<String>> required(YamlMapping options, String key) {
    return options
        .requiredStrings(key)
        .filter(paths -> options.check(key, !paths.isEmpty(), "must not be empty"))
        .filter(
            paths ->
                paths.stream().allMatch(path -> valid(options, path) && bounded(options, path)))
        .map(paths -> paths.stream().map(YamlString::value).toList());
  }

  private static boolean bounded(YamlMapping options, YamlString path) {
    if (!UNIQUE_PER_EVENT.contains(path.value())) {
      return true;
    }
    options
        .document()
        .problems()
        .add(
            path.position(),
            path.path(),
            "must not be `"
                + path.value()
                + "`: every event has its own, so each key would hold one event (unbounded keys)"
                + " and never fire");
    return false;
  }

  /** An optional single field path, with its own position for messages. */
  static Optional<YamlString> optional(YamlMapping options, String key) {
    return options
        .optionalString(key)
        .map(value -> new YamlString(value, options.path(key), options.valuePosition(key)));
  }

  /** Whether {@code path} is a valid field path; reports it with a suggestion when not. */
  static boolean valid(YamlMapping options, YamlString path) {
    if (FieldPaths.isValid(path.value())) {
      return true;
    }
    options
        .document()
        .problems()
        .add(
            path.position(),
            path.path(),
            "must be "
                + FieldPaths.EXPECTED
                + ", was "
                + YamlDocument.quote(path.value())
                + FieldPaths.suggest(path.value())
                    .map(s -> ", did you mean `" + s + "`?")
                    .orElse(""));
    return false;
  }
}
