package dev.tripline.rules;

import dev.tripline.rules.yaml.Problem;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing wrong with the rule files, as shown to the rule author.
 *
 * @param position where; a line of 0 means a whole file or the directory
 * @param ruleId the rule's id when it is known and valid, else {@code null}
 * @param path the field inside the rule, e.g. {@code detect.threshold.within}; may be empty
 * @param message the constraint and the value found
 */
public record RuleProblem(SourcePosition position, String ruleId, String path, String message) {

  public RuleProblem {
    Objects.requireNonNull(position, "position");
    path = path == null ? "" : path;
    Objects.requireNonNull(message, "message");
  }

  /** The rule's id, when known. */
  public Optional<String> rule() {
    return Optional.ofNullable(ruleId);
  }

  /**
   * {@code config/rules/cart.yaml:12:7 rule cart-abandon: detect.threshold.within: must be > 0s,
   * was "0s"}; the {@code rule <id>: } part only when the id is known.
   */
  @Override
  public String toString() {
    return Problem.format(position)
        + " "
        + (ruleId == null ? "" : "rule " + ruleId + ": ")
        + (path.isEmpty() ? "" : path + ": ")
        + message;
  }
}
