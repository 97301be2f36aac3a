package dev.tripline.gateway.delivery;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.tripline.detectors.Detection;
import dev.tripline.handlers.CelJson;
import dev.tripline.rules.CelExpressions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A user-defined body: a mapping of JSON field to a CEL expression over {@code detection} (the
 * {@code standard} body as a map) and {@code webhookId}, from a destination's {@code template:}.
 * Nested mappings and lists give nested objects and arrays; YAML numbers, booleans and null are
 * taken literally; every string is an expression (a literal text is written {@code "'text'"}).
 *
 * <p>CEL has no side effects, no I/O and bounded loops, so a template cannot run code. Everything
 * knowable before a detection arrives is checked by {@link #compile}: syntax, undeclared names and
 * the top-level fields of {@code detection} (which are fixed); fields inside {@code key}, {@code
 * values} and {@code labels} depend on the rule and can only fail at render time.
 *
 * <p>Immutable and thread-safe.
 */
public final class PayloadTemplate {

  /** The fields of {@code detection}, as in the {@code standard} body. */
  public static final Set<String> DETECTION_FIELDS =
      Set.of(
          "type",
          "id",
          "rule",
          "severity",
          "labels",
          "key",
          "window",
          "count",
          "values",
          "events",
          "detectedAt");

  private static final Cel CEL =
      CelExpressions.environment(
          Map.of(
              "detection",
              MapType.create(SimpleType.STRING, SimpleType.DYN),
              "webhookId",
              SimpleType.STRING));

  /** A compiled node: an object, an array, a literal or an expression. */
  private sealed interface Node permits ObjectNode, ArrayNode, Literal, Expression {}

  private record ObjectNode(Map<String, Node> fields) implements Node {}

  private record ArrayNode(List<Node> items) implements Node {}

  private record Literal(Object value) implements Node {}

  private record Expression(String path, String source, CelRuntime.Program program)
      implements Node {}

  private final ObjectNode root;
  private final String description;

  private PayloadTemplate(ObjectNode root, String description) {
    this.root = root;
    this.description = description;
  }

  /**
   * Compiles a template from its configuration.
   *
   * @param spec the {@code template:} mapping as loaded from YAML
   * @throws InvalidTemplateException listing every problem, each starting with {@code
   *     template.<field path>}
   */
  public static PayloadTemplate compile(Object spec) {
    if (!(spec instanceof Map<?, ?> fields) || fields.isEmpty()) {
      throw new InvalidTemplateException(
          List.of(
              "template: must be a mapping of JSON field to CEL expression, such as {event:"
                  + " detection.rule.id}"));
    }
    List<String> problems = new ArrayList<>();
    Node root = node("template", spec, problems);
    if (!problems.isEmpty()) {
      throw new InvalidTemplateException(problems);
    }
    return new PayloadTemplate((ObjectNode) root, "fields " + new TreeSet<>(keys(fields)));
  }

  private static List<String> keys(Map<?, ?> map) {
    return map.keySet().stream().map(String::valueOf).toList();
  }

  private static Node node(String path, Object value, List<String> problems) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Node> fields = new LinkedHashMap<>();
      map.forEach(
          (name, item) ->
              fields.put(String.valueOf(name), node(path + "." + name, item, problems)));
      return new ObjectNode(Collections.unmodifiableMap(fields));
    }
    if (value instanceof List<?> list) {
      List<Node> items = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        items.add(node(path + "[" + i + "]", list.get(i), problems));
      }
      return new ArrayNode(List.copyOf(items));
    }
    if (value instanceof String expression) {
      return expression(path, expression, problems);
    }
    if (value == null || value instanceof Number || value instanceof Boolean) {
      return new Literal(value instanceof Number n ? CelJson.toJson(n) : value);
    }
    problems.add(path + ": must be a CEL expression, a mapping or a list");
    return new Literal(null);
  }

  private static Node expression(String path, String expression, List<String> problems) {
    if (expression.isBlank()) {
      problems.add(path + ": must not be empty (a literal empty text is '')");
      return new Literal(null);
    }
    try {
      CelValidationResult parsed = CEL.parse(expression);
      if (parsed.hasError()) {
        issues(path, "syntax error: ", parsed, problems);
        return new Literal(null);
      }
      CelValidationResult checked = CEL.check(parsed.getAst());
      if (checked.hasError()) {
        issues(path, "", checked, problems);
        return new Literal(null);
      }
      CelAbstractSyntaxTree ast = checked.getAst();
      List<String> unknown = unknownDetectionFields(ast);
      if (!unknown.isEmpty()) {
        problems.add(
            path
                + ": detection has no field "
                + String.join(", ", unknown)
                + "; known: "
                + String.join(", ", new TreeSet<>(DETECTION_FIELDS)));
        return new Literal(null);
      }
      return new Expression(path, expression, CEL.createProgram(ast));
    } catch (CelValidationException | CelEvaluationException e) {
      problems.add(path + ": " + e.getMessage());
      return new Literal(null);
    }
  }

  /** {@code detection.<field>} selections whose field the detection never has. */
  private static List<String> unknownDetectionFields(CelAbstractSyntaxTree ast) {
    return CelNavigableAst.fromAst(ast)
        .getRoot()
        .allNodes()
        .map(node -> node.expr())
        .filter(expr -> expr.getKind() == CelExpr.ExprKind.Kind.SELECT)
        .filter(
            expr -> {
              CelExpr operand = expr.select().operand();
              return operand.getKind() == CelExpr.ExprKind.Kind.IDENT
                  && operand.ident().name().equals("detection");
            })
        .map(expr -> expr.select().field())
        .filter(field -> !DETECTION_FIELDS.contains(field))
        .map(field -> "`" + field + "`")
        .distinct()
        .toList();
  }

  private static void issues(
      String path, String prefix, CelValidationResult result, List<String> problems) {
    for (CelIssue issue : result.getErrors()) {
      CelSourceLocation location = issue.getSourceLocation();
      String at =
          location.equals(CelSourceLocation.NONE)
              ? ""
              : " at " + Math.max(location.getLine(), 1) + ":" + (location.getColumn() + 1);
      problems.add(
          path
              + ": "
              + prefix
              + issue
                  .getMessage()
                  .replace(" (in container '')", "")
                  .replaceFirst(" \\(candidates: .*\\)$", "")
              + at);
    }
  }

  /**
   * The body for one detection.
   *
   * @throws IllegalStateException naming the field whose expression failed (a missing key, a type
   *     mismatch), without the detection's data
   */
  public String render(Detection detection, String webhookId) {
    Map<String, Object> input =
        Map.of(
            "detection",
            celValue(new JsonObject(DeliveryPayloads.standard(detection)).getMap()),
            "webhookId",
            webhookId);
    return ((JsonObject) evaluate(root, input)).encode();
  }

  private static Object evaluate(Node node, Map<String, Object> input) {
    if (node instanceof ObjectNode object) {
      JsonObject out = new JsonObject();
      object.fields().forEach((name, field) -> out.put(name, evaluate(field, input)));
      return out;
    }
    if (node instanceof ArrayNode array) {
      JsonArray out = new JsonArray();
      array.items().forEach(item -> out.add(evaluate(item, input)));
      return out;
    }
    if (node instanceof Literal literal) {
      return literal.value();
    }
    Expression expression = (Expression) node;
    try {
      return CelJson.toJson(expression.program().eval(input));
    } catch (CelEvaluationException | RuntimeException e) {
      throw new IllegalStateException(
          expression.path() + ": `" + expression.source() + "` failed: " + e.getMessage(), e);
    }
  }

  /** Vert.x JSON values as CEL wants them: Long and Double numbers, NullValue for null. */
  private static Object celValue(Object value) {
    if (value == null) {
      return NullValue.NULL_VALUE;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), celValue(v)));
      return out;
    }
    if (value instanceof JsonObject object) {
      return celValue(object.getMap());
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(item -> out.add(celValue(item)));
      return out;
    }
    if (value instanceof JsonArray array) {
      return celValue(array.getList());
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float || value instanceof java.math.BigDecimal) {
      return ((Number) value).doubleValue();
    }
    return value;
  }

  @Override
  public String toString() {
    return "PayloadTemplate[" + description + "]";
  }

  /** A template that does not compile, with one message per problem. */
  public static final class InvalidTemplateException extends IllegalArgumentException {
    private final List<String> problems;

    InvalidTemplateException(List<String> problems) {
      super(String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    /** Each problem, starting with {@code template.<field path>}. */
    public List<String> problems() {
      return problems;
    }
  }
}
