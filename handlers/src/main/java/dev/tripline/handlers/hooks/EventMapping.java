package dev.tripline.handlers.hooks;

import dev.cel.common.types.CelKind;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.tripline.handlers.CelJson;
import dev.tripline.handlers.EventTimes;
import dev.tripline.handlers.HttpException;
import dev.tripline.rules.CelExpressions;
import dev.tripline.rules.CelValues;
import dev.tripline.rules.ConditionIssue;
import dev.tripline.rules.InvalidConditionException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a provider's webhook becomes one canonical event: for each event field ({@link #FIELDS}), a
 * CEL expression over {@code body} (the parsed JSON payload) and {@code headers} (lower-cased
 * names), or a JSON pointer into the payload (a string starting with {@code /}).
 *
 * <p>Fields the source's {@code map} leaves out take the scheme's defaults ({@link
 * Scheme#defaultMap()}), and {@code properties} defaults to the whole payload. A field whose value
 * the payload lacks is a 400 naming {@code map.<field>} when the source wrote it; a default that
 * finds nothing leaves the field out (the event type excepted: every event needs one). An
 * expression that gives {@code null} leaves its field out, so {@code has(body.user) ? body.user.id
 * : null} maps an optional value.
 *
 * <p>Results are brought into the event's shapes: integers become strings in {@code id}, {@code
 * userId} and {@code anonymousId} (Shopify's ids are numbers), an integer {@code timestamp} is Unix
 * seconds (within {@link EventTimes}' range, else a 400 naming {@code map.timestamp}) and a CEL
 * timestamp an instant; the event parser then validates the result exactly as it validates {@code
 * POST /v1/events}. Immutable and thread-safe.
 */
public final class EventMapping {

  /** The event fields a map may set. */
  public static final List<String> FIELDS =
      List.of("type", "id", "userId", "anonymousId", "timestamp", "properties", "context");

  private static final Set<String> TEXT_FIELDS = Set.of("type", "id", "userId", "anonymousId");
  private static final Set<String> OBJECT_FIELDS = Set.of("properties", "context");
  private static final Set<CelKind> TEXT_KINDS =
      Set.of(CelKind.STRING, CelKind.INT, CelKind.UINT, CelKind.DYN, CelKind.NULL_TYPE);
  private static final Set<CelKind> TIMESTAMP_KINDS =
      Set.of(
          CelKind.STRING,
          CelKind.INT,
          CelKind.UINT,
          CelKind.TIMESTAMP,
          CelKind.DYN,
          CelKind.NULL_TYPE);
  private static final Set<CelKind> OBJECT_KINDS =
      Set.of(CelKind.MAP, CelKind.DYN, CelKind.NULL_TYPE);

  private static final CelExpressions CEL =
      CelExpressions.over(
          Map.of(
              "body", MapType.create(SimpleType.STRING, SimpleType.DYN),
              "headers", MapType.create(SimpleType.STRING, SimpleType.STRING)));

  private static final Value WHOLE_PAYLOAD =
      new Value("properties", "", JsonPointer.create(), null);

  private final Map<String, Value> explicit;
  private final Map<String, Value> defaults;

  private EventMapping(Map<String, Value> explicit, Map<String, Value> defaults) {
    this.explicit = Map.copyOf(explicit);
    this.defaults = Map.copyOf(defaults);
  }

  /**
   * A mapping of the fields a source wrote, over its scheme's defaults.
   *
   * @param scheme whose defaults fill the fields {@code explicit} leaves out
   * @param explicit the source's own {@code map}, compiled by {@link Value#compile}
   */
  public static EventMapping of(Scheme scheme, Map<String, Value> explicit) {
    Map<String, Value> defaults = new HashMap<>();
    scheme.defaultMap().forEach((field, text) -> defaults.put(field, Value.compile(field, text)));
    defaults.put("properties", WHOLE_PAYLOAD);
    return new EventMapping(explicit, defaults);
  }

  /**
   * The canonical event for one request, before validation: only the mapped fields, no {@code
   * source}, {@code ip} or {@code receivedAt}.
   *
   * @param body the parsed payload
   * @param headers the request headers
   * @throws HttpException 400 naming {@code map.<field>} when the payload lacks what the map needs
   */
  public JsonObject apply(JsonObject body, MultiMap headers) {
    Input input = new Input(body, headers);
    JsonObject event = new JsonObject();
    for (String field : FIELDS) {
      Value value = explicit.get(field);
      boolean byDefault = value == null;
      if (byDefault) {
        value = defaults.get(field);
      }
      if (value == null) {
        continue;
      }
      Object result;
      try {
        result = value.evaluate(input);
      } catch (MissingValueException e) {
        if (byDefault && !field.equals("type")) {
          continue;
        }
        throw new HttpException(
            400,
            "map." + field + ": " + e.getMessage() + (byDefault ? " (the scheme's default)" : ""),
            "map." + field,
            null);
      }
      Object shaped = shape(field, result);
      if (shaped != null) {
        event.put(field, shaped);
      }
    }
    return event;
  }

  /** Whether the source's own map sets {@code field}. */
  public boolean maps(String field) {
    return explicit.containsKey(field);
  }

  @Override
  public String toString() {
    return "EventMapping" + new java.util.TreeMap<>(explicit).keySet();
  }

  private static Object shape(String field, Object value) {
    Object json = CelJson.toJson(value);
    if (json instanceof Long || json instanceof BigInteger) {
      if (TEXT_FIELDS.contains(field)) {
        return json.toString();
      }
      if (field.equals("timestamp") && json instanceof Long seconds) {
        // checked before converting: Instant.ofEpochSecond(Long.MAX_VALUE) throws
        return EventTimes.ofEpochSecond("map.timestamp", seconds).toString();
      }
    }
    return json;
  }

  /** The value of one field: a compiled CEL expression or a JSON pointer. */
  public static final class Value {
    private final String field;
    private final String text;
    private final JsonPointer pointer;
    private final CelRuntime.Program program;

    private Value(String field, String text, JsonPointer pointer, CelRuntime.Program program) {
      this.field = field;
      this.text = text;
      this.pointer = pointer;
      this.program = program;
    }

    /**
     * Compiles a field's value: a JSON pointer when it starts with {@code /}, else CEL,
     * type-checked against what the field can hold.
     *
     * @param field one of {@link #FIELDS}
     * @throws InvalidConditionException with every issue and its offset in {@code text}
     */
    public static Value compile(String field, String text) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("unknown event field " + field);
      }
      if (text.startsWith("/")) {
        try {
          return new Value(field, text, JsonPointer.from(text), null);
        } catch (IllegalArgumentException e) {
          throw invalid(text, "not a JSON pointer: " + e.getMessage());
        }
      }
      CelExpressions.Compiled compiled = CEL.compile(text);
      CelKind kind = compiled.resultType().kind();
      Set<CelKind> allowed =
          TEXT_FIELDS.contains(field)
              ? TEXT_KINDS
              : OBJECT_FIELDS.contains(field) ? OBJECT_KINDS : TIMESTAMP_KINDS;
      if (!allowed.contains(kind)) {
        throw invalid(
            text,
            "must give "
                + (TEXT_FIELDS.contains(field)
                    ? "a string"
                    : OBJECT_FIELDS.contains(field)
                        ? "a map"
                        : "an ISO-8601 string, Unix seconds or a timestamp")
                + ", gives "
                + compiled.resultType().name());
      }
      return new Value(field, text, null, compiled.program());
    }

    private static InvalidConditionException invalid(String text, String message) {
      return new InvalidConditionException(text, List.of(new ConditionIssue(0, 1, 1, message)));
    }

    Object evaluate(Input input) {
      if (pointer != null) {
        Object found = pointer.queryJson(input.body);
        if (found == null) {
          throw new MissingValueException("`" + text + "` found nothing in the payload");
        }
        return found;
      }
      try {
        return program.eval(Map.of("body", input.celBody(), "headers", input.celHeaders()));
      } catch (CelEvaluationException | RuntimeException e) {
        throw new MissingValueException(
            "cannot evaluate `" + text + "` on this request: " + reason(e));
      }
    }

    /** CEL's message without its position prefix; a bare key name is a missing map key. */
    private static String reason(Exception e) {
      String message =
          String.valueOf(e.getMessage()).replaceFirst("^evaluation error at \\S+: ", "");
      return message.contains(" ") ? message : "no such key " + message;
    }

    @Override
    public String toString() {
      return field + ": " + text;
    }
  }

  /** What one request offers the expressions, converted for CEL only when an expression runs. */
  private static final class Input {
    private final JsonObject body;
    private final MultiMap headers;
    private Object celBody;
    private Map<String, String> celHeaders;

    Input(JsonObject body, MultiMap headers) {
      this.body = Objects.requireNonNull(body, "body");
      this.headers = Objects.requireNonNull(headers, "headers");
    }

    Object celBody() {
      if (celBody == null) {
        celBody = CelValues.of(body.getMap());
      }
      return celBody;
    }

    Map<String, String> celHeaders() {
      if (celHeaders == null) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String name : headers.names()) {
          byName.put(name.toLowerCase(Locale.ROOT), String.join(", ", headers.getAll(name)));
        }
        celHeaders = byName;
      }
      return celHeaders;
    }
  }

  /** The payload lacks what a field's value needs. */
  private static final class MissingValueException extends RuntimeException {
    MissingValueException(String message) {
      super(message, null, false, false);
    }
  }
}
