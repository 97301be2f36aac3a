package dev.tripline.detectors;

import dev.tripline.rules.AbsenceSpec;
import dev.tripline.rules.DetectorSpec;
import dev.tripline.rules.Rule;
import dev.tripline.rules.SequenceSpec;
import dev.tripline.rules.ThresholdSpec;
import dev.tripline.rules.VelocitySpec;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Set;

/**
 * Maps each {@link DetectorSpec} kind to its detector.
 *
 * <p>Java 17 has no exhaustive pattern {@code switch} over a sealed interface (it is a preview
 * feature there), so exhaustiveness is checked by a test instead: {@code DetectorFactoryTest}
 * compares {@link #handledKinds()} with the permitted subclasses of {@link DetectorSpec}, and fails
 * the build as soon as a kind is added to the rules module without a detector here. Once the
 * project moves to Java 21 this becomes a pattern {@code switch} and the test goes away.
 */
public final class DetectorFactory {

  private final InstantSource clock;
  private final DetectorLimits limits;
  private final EngineObserver observer;

  public DetectorFactory(InstantSource clock, DetectorLimits limits, EngineObserver observer) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /** The spec types this factory builds detectors for. */
  public static Set<Class<? extends DetectorSpec>> handledKinds() {
    return Set.of(ThresholdSpec.class, VelocitySpec.class, AbsenceSpec.class, SequenceSpec.class);
  }

  /**
   * Creates the detector of one rule.
   *
   * @throws IllegalArgumentException when the rule's options are out of range or its kind has no
   *     detector; the message names the rule
   */
  public Detector create(Rule rule) {
    DetectorSpec spec = rule.detector();
    if (spec instanceof ThresholdSpec) {
      return new ThresholdDetector(rule, clock, limits, observer);
    }
    if (spec instanceof VelocitySpec) {
      return new VelocityDetector(rule, clock, limits, observer);
    }
    if (spec instanceof AbsenceSpec) {
      return new AbsenceDetector(rule, clock, limits, observer);
    }
    if (spec instanceof SequenceSpec) {
      return new SequenceDetector(rule, clock, limits, observer);
    }
    throw new IllegalArgumentException(
        RuleLabel.of(rule) + ": detect: kind " + spec.kind() + " is not supported");
  }
}
