package dev.tripline.rules;

import dev.tripline.rules.yaml.YamlMapping;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads {@code detect.sequence}: {@code steps}, {@code correlate_by}, {@code within}, {@code
 * fire_on}, {@code at_step}.
 */
final class SequenceReader {

  static final int MIN_STEPS = 2;

  /** A longer funnel is a sign of a rule that wants to be split; it also bounds timer size. */
  static final int MAX_STEPS = 20;

  /** As long as a threshold window: a sequence is state held per key for this long. */
  static final Duration MAX_WITHIN = Duration.ofDays(30);

  private static final Set<String> FIELDS =
      Set.of("steps", "correlate_by", "within", "fire_on", "at_step");

  private SequenceReader() {}

  static Optional<DetectorSpec> read(YamlMapping options, DetectorReader.FilterReader filters) {
    options.rejectUnknownKeys(FIELDS);
    Optional<List<EventFilter>> steps = options.requiredMappings("steps", filters::read);
    int stepCount = stepCount(options);
    boolean countValid = checkCount(options, stepCount);
    Optional<List<String>> correlateBy = KeyPaths.required(options, "correlate_by");
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
    Optional<SequenceSpec.FireOn> fireOn =
        options.has("fire_on")
            ? options.optionalChoice("fire_on", SequenceSpec.FireOn.class)
            : Optional.of(SequenceSpec.FireOn.COMPLETE);
    Optional<Set<Integer>> atStep = atStep(options, fireOn, countValid ? stepCount : MAX_STEPS);
    if (steps.isEmpty()
        || !countValid
        || correlateBy.isEmpty()
        || within.isEmpty()
        || fireOn.isEmpty()
        || atStep.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new SequenceSpec(
            steps.get(),
            correlateBy.get(),
            within.get(),
            fireOn.get(),
            atStep.get().isEmpty() ? null : atStep.get()));
  }

  /** How many items {@code steps} lists, whether or not they are valid; -1 when no list. */
  private static int stepCount(YamlMapping options) {
    return options
        .node("steps")
        .filter(SequenceNode.class::isInstance)
        .map(node -> ((SequenceNode) node).getValue().size())
        .orElse(-1);
  }

  private static boolean checkCount(YamlMapping options, int count) {
    if (count < 0) {
      return false;
    }
    if (count < MIN_STEPS) {
      options.report("steps", "must have at least " + MIN_STEPS + " steps, had " + count);
      return false;
    }
    if (count > MAX_STEPS) {
      options.report("steps", "must have at most " + MAX_STEPS + " steps, had " + count);
      return false;
    }
    return true;
  }

  /**
   * {@code at_step}: only with {@code fire_on: timeout_at_step}, each a step that can be missing
   * once a sequence started (2..{@code lastStep}). Absent reads as an empty set, which the spec
   * turns into its default.
   */
  private static Optional<Set<Integer>> atStep(
      YamlMapping options, Optional<SequenceSpec.FireOn> fireOn, int lastStep) {
    if (!options.has("at_step")) {
      return Optional.of(Set.of());
    }
    if (fireOn.isPresent() && fireOn.get() != SequenceSpec.FireOn.TIMEOUT_AT_STEP) {
      options.reportKey("at_step", "is only allowed with fire_on: timeout_at_step");
      return Optional.empty();
    }
    return options
        .optionalInts("at_step", MIN_STEPS, lastStep)
        .filter(steps -> options.check("at_step", !steps.isEmpty(), "must not be empty"))
        .map(TreeSet::new);
  }
}
