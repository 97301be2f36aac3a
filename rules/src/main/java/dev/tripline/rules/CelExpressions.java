package dev.tripline.rules;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSource;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles Google CEL expressions over a fixed set of variables, with the options every Tripline
 * expression shares: numbers compare across int and double (JSON has one number type), bounded
 * comprehensions, and the standard macros ({@code has()}, {@code exists()}, ...) declared.
 *
 * <p>Everything knowable before evaluation is checked here, once: syntax and references to
 * undeclared names. Each issue carries its position inside the expression, so that a caller can
 * place it in the file the expression came from. Immutable and thread-safe.
 */
public final class CelExpressions {

  /** Bounds the work one evaluation may do, whatever the list sizes in its input. */
  static final int MAX_COMPREHENSION_ITERATIONS = 10_000;

  private final Cel cel;

  private CelExpressions(Cel cel) {
    this.cel = cel;
  }

  /**
   * An environment with the given variables.
   *
   * @param variables each variable's name and declared type, e.g. {@code event} as {@code
   *     map(string, dyn)}
   */
  public static CelExpressions over(Map<String, CelType> variables) {
    return new CelExpressions(environment(variables));
  }

  /**
   * The CEL environment every Tripline expression is compiled in (standard macros, mixed numeric
   * comparisons, bounded comprehensions), with the given variables; for callers that walk the
   * checked AST themselves.
   */
  public static Cel environment(Map<String, CelType> variables) {
    CelBuilder builder =
        CelFactory.standardCelBuilder()
            .setOptions(
                CelOptions.current()
                    .enableHeterogeneousNumericComparisons(true)
                    .comprehensionMaxIterations(MAX_COMPREHENSION_ITERATIONS)
                    .build())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS);
    new LinkedHashMap<>(variables).forEach(builder::addVar);
    return builder.build();
  }

  /**
   * An expression that compiled: its source, its checked result type and a program that evaluates
   * it (immutable, so one instance serves every thread).
   */
  public record Compiled(String expression, CelType resultType, CelRuntime.Program program) {}

  /**
   * Parses, checks and plans an expression.
   *
   * @throws InvalidConditionException with every issue and its position in the expression
   */
  public Compiled compile(String expression) {
    if (expression.isBlank()) {
      throw new InvalidConditionException(
          expression, List.of(new ConditionIssue(0, 1, 1, "must not be empty")));
    }
    CelValidationResult parsed = cel.parse(expression);
    if (parsed.hasError()) {
      throw invalid(expression, parsed, "syntax error: ");
    }
    try {
      CelValidationResult checked = cel.check(parsed.getAst());
      if (checked.hasError()) {
        throw invalid(expression, checked, "");
      }
      CelAbstractSyntaxTree ast = checked.getAst();
      return new Compiled(expression, ast.getResultType(), cel.createProgram(ast));
    } catch (CelValidationException | CelEvaluationException e) {
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
   * Drops what helps CEL developers but not authors: the (always empty) container and the list of
   * every overload of an operator.
   */
  private static String tidy(String message) {
    return message.replace(" (in container '')", "").replaceFirst(" \\(candidates: .*\\)$", "");
  }
}
