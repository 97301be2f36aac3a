package dev.tripline.rules;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The rule files are invalid. Carries every problem found, so that an author fixes them all in one
 * round; the message lists them one per line.
 */
public final class RuleValidationException extends RuntimeException {

  private final transient List<RuleProblem> problems;

  public RuleValidationException(List<RuleProblem> problems) {
    super(problems.stream().map(RuleProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** Every problem, by file, then line and column. */
  public List<RuleProblem> problems() {
    return problems;
  }
}
