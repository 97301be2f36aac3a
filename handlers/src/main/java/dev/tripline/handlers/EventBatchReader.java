package dev.tripline.handlers;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tripline.rules.Event;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a JSON body or WebSocket message into validated events: one event object, or {@code
 * {"batch": [...]}}. All or nothing: every event is validated before any is returned, so a caller
 * can never store half a batch that the client will re-send whole.
 *
 * <p>Shared by {@link EventsHandler} and {@link StreamHandler} so both transports apply the same
 * limits and report the same {@link RejectReason}s. Thread-safe.
 */
public final class EventBatchReader {

  static final String BATCH = "batch";
  private static final int MAX_PARSER_MESSAGE = 160;

  private final IngestLimits limits;
  private final EventParser parser;

  public EventBatchReader(IngestLimits limits, EventParser parser) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.parser = Objects.requireNonNull(parser, "parser");
  }

  /**
   * Checks depth, then UTF-8, then parses; the body must be a JSON object.
   *
   * @throws IngestRejection 400 as {@link RejectReason#TOO_DEEP}, {@link
   *     RejectReason#MALFORMED_JSON} (also {@code body: invalid UTF-8 at byte N}) or (not an
   *     object) {@link RejectReason#INVALID_EVENT}
   */
  public JsonObject readObject(Buffer body) {
    JsonDepth.requireAtMost(body, limits.maxJsonDepth());
    return requireObject(decode(body));
  }

  /** As {@link #readObject(Buffer)}, for a text WebSocket message. */
  public JsonObject readObject(String text) {
    JsonDepth.requireAtMost(text, limits.maxJsonDepth());
    // a String always encodes to valid UTF-8: a frame's own bytes are checked where it is decoded
    return requireObject(decode(Buffer.buffer(text)));
  }

  /**
   * Validates every event of a parsed body.
   *
   * @return the events, in order; never empty
   * @throws IngestRejection 400 with the {@code index} of the first invalid event of a batch
   */
  public List<Event> events(JsonObject json, EventParser.Arrival arrival) {
    if (!json.containsKey(BATCH)) {
      try {
        return List.of(parser.parse(json, arrival));
      } catch (IngestRejection e) {
        throw e;
      } catch (HttpException e) {
        throw IngestRejection.of(RejectReason.INVALID_EVENT, e);
      }
    }
    for (String key : json.fieldNames()) {
      if (!BATCH.equals(key)) {
        throw new IngestRejection(
            RejectReason.INVALID_EVENT,
            400,
            key + ": a batch object may hold only \"batch\"; put event fields inside its events",
            key,
            null);
      }
    }
    Object value = json.getValue(BATCH);
    if (!(value instanceof JsonArray batch)) {
      throw new IngestRejection(
          RejectReason.INVALID_EVENT,
          400,
          "batch: must be an array of event objects, was " + EventParser.show(value),
          BATCH,
          null);
    }
    if (batch.isEmpty()) {
      throw new IngestRejection(
          RejectReason.INVALID_EVENT,
          400,
          "batch: must hold at least 1 event, was []",
          BATCH,
          null);
    }
    if (batch.size() > limits.maxBatchEvents()) {
      throw new IngestRejection(
          RejectReason.TOO_MANY_EVENTS,
          400,
          "batch: must hold at most maxBatchEvents "
              + limits.maxBatchEvents()
              + " events, was "
              + batch.size(),
          BATCH,
          null);
    }
    List<Event> events = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Object element = batch.getValue(i);
      if (!(element instanceof JsonObject event)) {
        throw new IngestRejection(
            RejectReason.INVALID_EVENT,
            400,
            "batch[" + i + "]: must be an event object, was " + EventParser.show(element),
            BATCH,
            i);
      }
      try {
        events.add(parser.parse(event, arrival));
      } catch (HttpException e) {
        throw IngestRejection.of(RejectReason.INVALID_EVENT, e).atIndex(i);
      }
    }
    return List.copyOf(events);
  }

  /**
   * Parses a JSON body, which must be strict UTF-8 ({@link Utf8}): the one place HTTP bodies become
   * JSON.
   */
  static Object decode(Buffer body) {
    if (body.length() == 0) {
      throw malformed("empty body");
    }
    Utf8.requireValid(body);
    UnicodeEscapes.requirePaired(body);
    try {
      Object value = Json.decodeValue(body);
      if (value == null) {
        throw malformed("expected an object, was null");
      }
      return value;
    } catch (DecodeException e) {
      throw malformed(describe(e));
    }
  }

  /** The parser's reason and position, never the input around it. */
  private static String describe(DecodeException e) {
    if (e.getCause() instanceof JsonProcessingException jackson) {
      String reason = firstLine(jackson.getOriginalMessage());
      JsonLocation location = jackson.getLocation();
      if (location != null && location.getLineNr() > 0) {
        return reason + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
      }
      return reason;
    }
    return "not valid JSON";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "not valid JSON";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > MAX_PARSER_MESSAGE
        ? line.substring(0, MAX_PARSER_MESSAGE) + "..."
        : line;
  }

  private static IngestRejection malformed(String detail) {
    return new IngestRejection(RejectReason.MALFORMED_JSON, 400, "malformed JSON: " + detail);
  }

  private static JsonObject requireObject(Object value) {
    if (value instanceof JsonObject object) {
      return object;
    }
    throw new IngestRejection(
        RejectReason.INVALID_EVENT,
        400,
        "body: must be an event object or {\"batch\": [...]}, was " + EventParser.show(value));
  }
}
