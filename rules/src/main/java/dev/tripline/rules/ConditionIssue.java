package dev.tripline.rules;

/**
 * One reason a condition expression does not compile, located inside the expression.
 *
 * @param offset code-point offset into the expression, for mapping onto the file it came from
 * @param line 1-based line within the expression
 * @param column 1-based column within the expression
 * @param message what is wrong, e.g. {@code undeclared reference to 'evnt'}
 */
public record ConditionIssue(int offset, int line, int column, String message) {}
