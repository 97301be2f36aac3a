package dev.tripline.rules;

/** A compiled, side-effect-free filter over an event (a CEL expression in rule files). */
@FunctionalInterface
public interface Condition {

  /** The condition of a rule without {@code where:}. */
  Condition ALWAYS = event -> true;

  /**
   * Evaluates this condition.
   *
   * @throws ConditionException when evaluation fails, e.g. a missing map key without {@code has()}
   */
  boolean test(Event event);
}
