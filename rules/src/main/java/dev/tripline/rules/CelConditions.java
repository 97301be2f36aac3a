package dev.tripline.rules;

import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.List;
import java.util.Map;

/**
 * Compiles {@code where:} expressions, written in Google CEL over one variable {@code event} (the
 * event as {@link Event#asMap()}), into {@link Condition}s.
 *
 * <p>Everything that can be known before an event arrives is checked here, once, at load time:
 * syntax, references to undeclared names ({@code evnt.type}) and a result type that can be a bool.
 * Field access into {@code event} is dynamic ({@code map(string, dyn)}), so a missing key or a type
 * mismatch can only show at evaluation, as a {@link ConditionException}.
 *
 * <p>Immutable and thread-safe; build one and compile every rule's condition with it.
 */
public final class CelConditions {

  private final CelExpressions cel;

  private CelConditions(CelExpressions cel) {
    this.cel = cel;
  }

  /** Builds the CEL environment (standard functions and macros, the {@code event} variable). */
  public static CelConditions create() {
    return new CelConditions(
        CelExpressions.over(Map.of("event", MapType.create(SimpleType.STRING, SimpleType.DYN))));
  }

  /**
   * Compiles an expression into a condition that can be evaluated many times.
   *
   * @throws InvalidConditionException with every issue and its position in the expression
   */
  public Condition compile(String expression) {
    CelExpressions.Compiled compiled = cel.compile(expression);
    CelType type = compiled.resultType();
    if (type.kind() != CelKind.BOOL && type.kind() != CelKind.DYN) {
      throw new InvalidConditionException(
          expression,
          List.of(new ConditionIssue(0, 1, 1, "must be a bool expression, was " + type.name())));
    }
    return new CelCondition(expression, compiled.program());
  }

  /** A compiled expression; the program is immutable, so one instance serves every thread. */
  private static final class CelCondition implements Condition {
    private final String expression;
    private final CelRuntime.Program program;

    CelCondition(String expression, CelRuntime.Program program) {
      this.expression = expression;
      this.program = program;
    }

    @Override
    public boolean test(Event event) {
      Object result;
      try {
        result = program.eval(Map.of("event", CelValues.of(event.asMap())));
      } catch (CelEvaluationException | RuntimeException e) {
        throw new ConditionException(
            "cannot evaluate `" + expression + "` on event " + event.id() + ": " + e.getMessage(),
            e);
      }
      if (result instanceof Boolean matched) {
        return matched;
      }
      throw new ConditionException(
          "`"
              + expression
              + "` evaluated to "
              + (result == null ? "null" : result.getClass().getSimpleName() + " " + result)
              + " on event "
              + event.id()
              + ", not to a bool",
          null);
    }

    @Override
    public String toString() {
      return expression;
    }
  }
}
