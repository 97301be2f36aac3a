package dev.tripline.rules;

import dev.tripline.rules.yaml.YamlMapping;
import dev.tripline.rules.yaml.YamlString;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code detect.threshold}: {@code group_by}, {@code count}, {@code distinct}, {@code
 * within}, {@code on_fire}.
 */
final class ThresholdReader {

  static final int MAX_COUNT = 1_000_000;

  /** Longer windows would keep too much per-key state for a sliding count. */
  static final Duration MAX_WITHIN = Duration.ofDays(30);

  private static final Set<String> FIELDS =
      Set.of("group_by", "count", "distinct", "within", "on_fire");

  private ThresholdReader() {}

  static Optional<DetectorSpec> read(YamlMapping options) {
    options.rejectUnknownKeys(FIELDS);
    Optional<List<String>> groupBy = KeyPaths.required(options, "group_by");
    Optional<Integer> count = options.requiredInt("count", 1, MAX_COUNT);
    Optional<YamlString> distinct = KeyPaths.optional(options, "distinct");
    boolean distinctValid =
        distinct.isEmpty()
            || (KeyPaths.valid(options, distinct.get())
                && options.check(
                    "distinct",
                    groupBy.isEmpty() || !groupBy.get().contains(distinct.get().value()),
                    "must not be one of group_by"));
    Optional<Duration> within =
        options
            .requiredDuration("within")
            .filter(d -> options.check("within", !d.isZero(), "must be > 0s"))
            .filter(
                d ->
                    options.check(
                        "within",
                        d.compareTo(MAX_WITHIN) <= 0,
                        "must be <= " + Durations.format(MAX_WITHIN)));
    Optional<ThresholdSpec.OnFire> onFire =
        options.has("on_fire")
            ? options.optionalChoice("on_fire", ThresholdSpec.OnFire.class)
            : Optional.of(ThresholdSpec.OnFire.RESET);
    if (groupBy.isEmpty()
        || count.isEmpty()
        || !distinctValid
        || within.isEmpty()
        || onFire.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ThresholdSpec(
            groupBy.get(),
            count.get(),
            distinct.map(YamlString::value),
            within.get(),
            onFire.get()));
  }
}
