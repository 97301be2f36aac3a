package dev.tripline.rules;

import java.util.List;
import java.util.stream.Collectors;

/** A condition expression that does not compile; carries every issue, each with its position. */
public final class InvalidConditionException extends RuntimeException {

  private final transient List<ConditionIssue> issues;

  public InvalidConditionException(String expression, List<ConditionIssue> issues) {
    super(
        "invalid condition `"
            + expression
            + "`: "
            + issues.stream()
                .map(i -> i.line() + ":" + i.column() + " " + i.message())
                .collect(Collectors.joining("; ")));
    this.issues = List.copyOf(issues);
  }

  /** The issues, in the order the compiler found them. */
  public List<ConditionIssue> issues() {
    return issues;
  }
}
