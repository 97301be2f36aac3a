package dev.tripline.handlers;

import dev.tripline.rules.Event;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads CloudEvents 1.0 (structured mode in the JSON event format, a JSON batch, or binary mode
 * over HTTP) into canonical events, validating each attribute as the specification requires and
 * naming the offending attribute (or {@code ce-} header) in every error.
 *
 * <p>The mapping, documented in the README:
 *
 * <ul>
 *   <li>{@code id}: {@code ce_} + base64url(SHA-256(source NUL id)), because CloudEvents are unique
 *       by {@code source} + {@code id}: a re-sent event is a duplicate, two producers' equal ids
 *       are not. The original {@code id} and {@code source} are kept in {@code
 *       context.cloudevents}.
 *   <li>{@code type}: the event's {@code type} (at most 128 characters; longer is a 400, never
 *       cut).
 *   <li>{@code timestamp}: {@code time}, or the arrival time.
 *   <li>{@code userId}: the {@code userid} extension, else {@code subject}; {@code anonymousId}:
 *       the {@code anonymousid} extension.
 *   <li>{@code properties}: {@code data} when it is a JSON object; otherwise {@code {"data":
 *       value}} or {@code {"data_base64": "..."}} for binary data.
 *   <li>{@code context}: {@code cloudevents} (specversion, id, source, subject, datacontenttype,
 *       dataschema) and {@code extensions} (every extension attribute).
 * </ul>
 *
 * <p>The canonical checks ({@link EventParser}) apply on top, so a CloudEvent can never hold what
 * {@code POST /v1/events} would refuse. Thread-safe.
 */
public final class CloudEventReader {

  /** The source events are attributed to when no write keys are configured. */
  public static final String OPEN_SOURCE = "cloudevents";

  static final String SPEC_VERSION = "1.0";
  private static final String HEADER_PREFIX = "ce-";
  private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z0-9]+");
  private static final Set<String> CONTEXT_ATTRIBUTES =
      Set.of(
          "specversion",
          "id",
          "source",
          "type",
          "datacontenttype",
          "dataschema",
          "subject",
          "time");
  private static final String DATA = "data";
  private static final String DATA_BASE64 = "data_base64";
  private static final String USER_ID_EXTENSION = "userid";
  private static final String ANONYMOUS_ID_EXTENSION = "anonymousid";

  private final IngestLimits limits;
  private final EventParser parser;

  public CloudEventReader(IngestLimits limits, EventParser parser) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.parser = Objects.requireNonNull(parser, "parser");
  }

  /**
   * One event in structured mode ({@code application/cloudevents+json}).
   *
   * @throws IngestRejection 400 naming the attribute
   */
  public Event structured(JsonObject json, EventParser.Arrival arrival) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    Object data = null;
    String dataBase64 = null;
    for (Map.Entry<String, Object> entry : json) {
      String name = entry.getKey();
      Object value = entry.getValue();
      if (value == null) {
        continue; // the JSON format: null is the same as absent
      }
      switch (name) {
        case DATA -> data = value;
        case DATA_BASE64 -> dataBase64 = base64(value);
        default -> attributes.put(attributeName(name, name), scalar(name, value));
      }
    }
    if (data != null && dataBase64 != null) {
      throw invalid(DATA_BASE64, "must not be given together with data", dataBase64);
    }
    Map<String, Object> properties;
    if (dataBase64 != null) {
      properties = Map.of(DATA_BASE64, dataBase64);
    } else if (data == null) {
      properties = null;
    } else {
      properties = data instanceof JsonObject object ? object.getMap() : Map.of(DATA, data);
    }
    return toEvent(attributes, properties, arrival, UnaryOperator.identity());
  }

  /**
   * A batch ({@code application/cloudevents-batch+json}): a JSON array of structured events, all
   * valid or none returned. An empty array is a valid batch and gives no events.
   *
   * @throws IngestRejection 400 with the {@code index} of the first invalid event
   */
  public List<Event> batch(JsonArray batch, EventParser.Arrival arrival) {
    if (batch.size() > limits.maxBatchEvents()) {
      throw new IngestRejection(
          RejectReason.TOO_MANY_EVENTS,
          400,
          "batch: must hold at most maxBatchEvents "
              + limits.maxBatchEvents()
              + " events, was "
              + batch.size(),
          "batch",
          null);
    }
    List<Event> events = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Object element = batch.getValue(i);
      if (!(element instanceof JsonObject object)) {
        throw new IngestRejection(
            RejectReason.INVALID_EVENT,
            400,
            "batch[" + i + "]: must be a CloudEvent object, was " + EventParser.show(element),
            "batch",
            i);
      }
      try {
        events.add(structured(object, arrival));
      } catch (IngestRejection e) {
        throw e.atIndex(i);
      }
    }
    return List.copyOf(events);
  }

  /**
   * One event in binary mode: the attributes in {@code ce-*} headers (percent-decoded), {@code
   * Content-Type} as {@code datacontenttype}, the body as {@code data}.
   *
   * @throws IngestRejection 400 naming the header
   */
  public Event binary(
      MultiMap headers, String contentType, Buffer body, EventParser.Arrival arrival) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, String> header : headers) {
      String lower = header.getKey().toLowerCase(Locale.ROOT);
      if (!lower.startsWith(HEADER_PREFIX) || lower.length() == HEADER_PREFIX.length()) {
        continue;
      }
      String name = lower.substring(HEADER_PREFIX.length());
      if (name.equals("datacontenttype") || attributes.containsKey(name)) {
        continue; // binary mode carries datacontenttype in Content-Type; first header wins
      }
      attributes.put(attributeName(name, lower), percentDecode(lower, header.getValue()));
    }
    if (contentType != null && !contentType.isBlank()) {
      attributes.put("datacontenttype", contentType.trim());
    }
    Map<String, Object> properties = body.length() == 0 ? null : binaryData(contentType, body);
    return toEvent(attributes, properties, arrival, name -> HEADER_PREFIX + name);
  }

  private Map<String, Object> binaryData(String contentType, Buffer body) {
    String media = mediaType(contentType);
    if (media == null) {
      return Map.of(DATA_BASE64, Base64.getEncoder().encodeToString(body.getBytes()));
    }
    if (isJson(media)) {
      JsonDepth.requireAtMost(body, limits.maxJsonDepth());
      Utf8.requireValid(body);
      UnicodeEscapes.requirePaired(body);
      Object value;
      try {
        value = Json.decodeValue(body);
      } catch (DecodeException e) {
        throw new IngestRejection(
            RejectReason.MALFORMED_JSON,
            400,
            "data: the body is declared " + media + " but is not valid JSON",
            DATA,
            null);
      }
      if (value == null) {
        return null;
      }
      return value instanceof JsonObject object ? object.getMap() : Map.of(DATA, value);
    }
    if (media.startsWith("text/")) {
      try {
        return Map.of(
            DATA,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body.getBytes()))
                .toString());
      } catch (CharacterCodingException e) {
        // not UTF-8 text after all: keep the bytes
      }
    }
    return Map.of(DATA_BASE64, Base64.getEncoder().encodeToString(body.getBytes()));
  }

  private Event toEvent(
      Map<String, Object> attributes,
      Map<String, Object> properties,
      EventParser.Arrival arrival,
      UnaryOperator<String> fieldOf) {
    Object version = attributes.get("specversion");
    if (version == null) {
      throw missing("specversion", fieldOf);
    }
    if (!SPEC_VERSION.equals(version)) {
      throw invalid(fieldOf.apply("specversion"), "must be \"1.0\"", version);
    }
    String id = requiredString("id", attributes, fieldOf);
    String source = requiredString("source", attributes, fieldOf);
    requireUri(fieldOf.apply("source"), source, false);
    String type = requiredString("type", attributes, fieldOf);
    String subject = optionalString("subject", attributes, fieldOf);
    String contentType = optionalString("datacontenttype", attributes, fieldOf);
    String dataSchema = optionalString("dataschema", attributes, fieldOf);
    if (dataSchema != null) {
      requireUri(fieldOf.apply("dataschema"), dataSchema, true);
    }
    Object time = attributes.get("time");
    if (time != null && !(time instanceof String)) {
      throw invalid(fieldOf.apply("time"), "must be an RFC 3339 timestamp string", time);
    }

    JsonObject cloudevents =
        new JsonObject().put("specversion", SPEC_VERSION).put("id", id).put("source", source);
    putIfPresent(cloudevents, "subject", subject);
    putIfPresent(cloudevents, "datacontenttype", contentType);
    putIfPresent(cloudevents, "dataschema", dataSchema);
    JsonObject extensions = new JsonObject();
    attributes.forEach(
        (name, value) -> {
          if (!CONTEXT_ATTRIBUTES.contains(name)) {
            extensions.put(name, value);
          }
        });

    Object userId = extensions.getValue(USER_ID_EXTENSION);
    String userField = USER_ID_EXTENSION;
    if (userId == null) {
      userId = subject;
      userField = "subject";
    }
    JsonObject canonical =
        new JsonObject()
            .put("id", canonicalId(source, id))
            .put("type", type)
            .put(
                "context",
                new JsonObject().put("cloudevents", cloudevents).put("extensions", extensions));
    putIfPresent(canonical, "timestamp", time);
    putIfPresent(canonical, "userId", userId);
    putIfPresent(canonical, "anonymousId", extensions.getValue(ANONYMOUS_ID_EXTENSION));
    if (properties != null) {
      canonical.put("properties", new JsonObject(properties));
    }
    try {
      return parser.parse(canonical, arrival);
    } catch (HttpException e) {
      throw renamed(e, fieldOf, userField);
    }
  }

  /** Reports an {@link EventParser} error under the CloudEvents name of the field. */
  private static IngestRejection renamed(
      HttpException e, UnaryOperator<String> fieldOf, String userField) {
    String field = e.field() == null ? "" : e.field();
    String renamed;
    if (field.equals("timestamp")) {
      renamed = fieldOf.apply("time");
    } else if (field.equals("userId")) {
      renamed = fieldOf.apply(userField);
    } else if (field.equals("anonymousId")) {
      renamed = fieldOf.apply(ANONYMOUS_ID_EXTENSION);
    } else if (field.equals("type")) {
      renamed = fieldOf.apply("type");
    } else if (field.startsWith("properties")) {
      renamed = DATA + field.substring("properties".length());
    } else if (field.startsWith("context.extensions.")) {
      renamed = fieldOf.apply(field.substring("context.extensions.".length()));
    } else {
      renamed = field.isEmpty() ? null : field;
    }
    String message = e.getMessage();
    if (renamed != null && !field.isEmpty() && message.startsWith(field)) {
      message = renamed + message.substring(field.length());
    }
    return new IngestRejection(RejectReason.INVALID_EVENT, 400, message, renamed, null);
  }

  /**
   * {@code ce_} + the unpadded base64url SHA-256 of source, NUL, id: fixed length, whatever the
   * sizes of the two, and equal exactly when both are.
   */
  static String canonicalId(String source, String id) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(source.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(id.getBytes(StandardCharsets.UTF_8));
      return "ce_" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String attributeName(String name, String field) {
    if (!ATTRIBUTE_NAME.matcher(name).matches()) {
      throw new IngestRejection(
          RejectReason.INVALID_EVENT,
          400,
          field
              + ": not a CloudEvents attribute name (lower-case letters and digits only); "
              + "the JSON format puts extensions as top-level members",
          field,
          null);
    }
    return name;
  }

  /** Attribute values in the JSON format are strings, booleans or 32-bit integers. */
  private static Object scalar(String name, Object value) {
    if (value instanceof String || value instanceof Boolean) {
      return value;
    }
    if ((value instanceof Integer || value instanceof Long || value instanceof Short)
        && ((Number) value).longValue() >= Integer.MIN_VALUE
        && ((Number) value).longValue() <= Integer.MAX_VALUE) {
      return ((Number) value).longValue();
    }
    throw invalid(name, "must be a string, a boolean or a 32-bit integer", value);
  }

  private static String base64(Object value) {
    if (value instanceof String s) {
      try {
        Base64.getDecoder().decode(s);
        return s;
      } catch (IllegalArgumentException e) {
        // fall through to the error
      }
    }
    throw invalid(DATA_BASE64, "must be a base64 string", value);
  }

  private static String requiredString(
      String name, Map<String, Object> attributes, UnaryOperator<String> fieldOf) {
    Object value = attributes.get(name);
    if (value == null) {
      throw missing(name, fieldOf);
    }
    if (!(value instanceof String s) || s.isEmpty()) {
      throw invalid(fieldOf.apply(name), "must be a non-empty string", value);
    }
    return s;
  }

  private static String optionalString(
      String name, Map<String, Object> attributes, UnaryOperator<String> fieldOf) {
    Object value = attributes.get(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.isEmpty()) {
      throw invalid(fieldOf.apply(name), "must be a non-empty string", value);
    }
    return s;
  }

  private static void requireUri(String field, String value, boolean absolute) {
    try {
      URI uri = new URI(value);
      if (absolute && !uri.isAbsolute()) {
        throw invalid(field, "must be an absolute URI", value);
      }
    } catch (URISyntaxException e) {
      throw invalid(field, absolute ? "must be an absolute URI" : "must be a URI-reference", value);
    }
  }

  private static IngestRejection missing(String name, UnaryOperator<String> fieldOf) {
    String field = fieldOf.apply(name);
    String what =
        field.equals(name)
            ? "required CloudEvents attribute missing"
            : "required header missing (CloudEvents attribute " + name + ")";
    return new IngestRejection(RejectReason.INVALID_EVENT, 400, field + ": " + what, field, null);
  }

  private static IngestRejection invalid(String field, String constraint, Object value) {
    return new IngestRejection(
        RejectReason.INVALID_EVENT,
        400,
        field + ": " + constraint + ", was " + EventParser.show(value),
        field,
        null);
  }

  /** The HTTP binding percent-encodes header values outside printable ASCII (and {@code %}). */
  private static String percentDecode(String header, String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(value.charAt(i + 2), 16);
        if (lo < 0) {
          throw invalid(header, "holds a malformed percent-encoding", value);
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid(header, "must percent-encode UTF-8", value);
    }
  }

  /** The media type of a {@code Content-Type} value, lower-case, without parameters. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String media =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .trim()
            .toLowerCase(Locale.ROOT);
    return media.isEmpty() ? null : media;
  }

  private static boolean isJson(String media) {
    return media.equals("application/json") || media.equals("text/json") || media.endsWith("+json");
  }

  private static void putIfPresent(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
