package dev.tripline.detectors;

import dev.tripline.rules.Rule;

/** How messages name a rule: its id and, when known, where it was defined. */
final class RuleLabel {

  private RuleLabel() {}

  static String of(Rule rule) {
    return rule.origin() == null
        ? "rule " + rule.id()
        : "rule " + rule.id() + " (" + rule.origin() + ")";
  }
}
