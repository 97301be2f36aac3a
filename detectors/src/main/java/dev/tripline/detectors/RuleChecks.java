package dev.tripline.detectors;

import dev.tripline.rules.DetectorSpec;
import dev.tripline.rules.Rule;
import java.time.Duration;

/**
 * The checks every detector's constructor makes on its rule, with messages that name the rule: the
 * loader validates the same things, but detectors are also built from rules made in code.
 */
final class RuleChecks {

  private RuleChecks() {}

  /** The rule's spec as the detector's kind, or an error naming the kind it has. */
  static <S extends DetectorSpec> S spec(Rule rule, Class<S> type, String kind) {
    if (!type.isInstance(rule.detector())) {
      throw new IllegalArgumentException(
          RuleLabel.of(rule) + ": detect: expected " + kind + ", was " + rule.detector().kind());
    }
    return type.cast(rule.detector());
  }

  /** The rule's cooldown, which must not be negative. */
  static Duration cooldown(Rule rule) {
    if (rule.cooldown().isNegative()) {
      throw new IllegalArgumentException(
          RuleLabel.of(rule) + ": cooldown: must be >= 0s, was " + rule.cooldown());
    }
    return rule.cooldown();
  }

  /** The longer of two durations: a key is idle once neither can matter any more. */
  static Duration longer(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
