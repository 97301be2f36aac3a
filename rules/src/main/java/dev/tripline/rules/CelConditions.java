package dev.tripline.rules;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSource;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
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

  /** Bounds the work one evaluation may do, whatever the list sizes in an event. */
  static final int MAX_COMPREHENSION_ITERATIONS = 10_000;

  private final Cel cel;

  private CelConditions(Cel cel) {
    this.cel = cel;
  }

  /** Builds the CEL environment (standard functions and macros, the {@code event} variable). */
  public static CelConditions create() {
    Cel cel =
        CelFactory.standardCelBuilder()
            .setOptions(
                CelOptions.current()
                    // events carry JSON numbers: 3 > 2.5 must work across int and double
                    .enableHeterogeneousNumericComparisons(true)
                    .comprehensionMaxIterations(MAX_COMPREHENSION_ITERATIONS)
                    .build())
            // without them has(), exists(), all(), map() and filter() are undeclared
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("event", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .build();
    return new CelConditions(cel);
  }

  /**
   * Compiles an expression into a condition that can be evaluated many times.
   *
   * @throws InvalidConditionException with every issue and its position in the expression
   */
  public Condition compile(String expression) {
    if (expression.isBlank()) {
      throw new InvalidConditionException(
          expression, List.of(new ConditionIssue(0, 1, 1, "must not be empty")));
    }
    CelValidationResult parsed = cel.parse(expression);
    if (parsed.hasError()) {
      throw invalid(expression, parsed, "syntax error: ");
    }
    CelValidationResult checked;
    CelAbstractSyntaxTree ast;
    try {
      checked = cel.check(parsed.getAst());
      if (checked.hasError()) {
        throw invalid(expression, checked, "");
      }
      ast = checked.getAst();
    } catch (CelValidationException e) {
      throw new InvalidConditionException(
          expression, List.of(new ConditionIssue(0, 1, 1, e.getMessage())));
    }
    CelType type = ast.getResultType();
    if (type.kind() != CelKind.BOOL && type.kind() != CelKind.DYN) {
      throw new InvalidConditionException(
          expression,
          List.of(new ConditionIssue(0, 1, 1, "must be a bool expression, was " + type.name())));
    }
    try {
      return new CelCondition(expression, cel.createProgram(ast));
    } catch (CelEvaluationException e) {
      throw new InvalidConditionException(
          expression, List.of(new ConditionIssue(0, 1, 1, e.getMessage())));
    }
  }

  private static InvalidConditionException invalid(
      String expression, CelValidationResult result, String prefix) {
    CelSource source = result.getSource();
    List<ConditionIssue> issues = new ArrayList<>();
    for (CelIssue issue : result.getErrors()) {
      CelSourceLocation location = issue.getSourceLocation();
      int offset =
          location.equals(CelSourceLocation.NONE)
              ? 0
              : source.getLocationOffset(location).orElse(0);
      int line = Math.max(location.getLine(), 1);
      int column = Math.max(location.getColumn(), 0) + 1;
      issues.add(new ConditionIssue(offset, line, column, prefix + tidy(issue.getMessage())));
    }
    return new InvalidConditionException(expression, issues);
  }

  /**
   * Drops what helps CEL developers but not rule authors: the (always empty) container and the list
   * of every overload of an operator.
   */
  private static String tidy(String message) {
    return message.replace(" (in container '')", "").replaceFirst(" \\(candidates: .*\\)$", "");
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
