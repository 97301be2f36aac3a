package dev.tripline.gateway.delivery;

import dev.tripline.detectors.Detection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Bodies for the event ("track") APIs of CDPs and email tools: the detection becomes one event
 * named after the rule, happening at {@code detectedAt}, for the person the detection's key names.
 *
 * <p>The person comes from the key's {@code userId}, {@code anonymousId} and {@code email} fields,
 * i.e. from rules that group or correlate by them. The event's properties are the same for every
 * tool ({@link #properties}).
 */
final class TrackPayloads {

  static final String USER_ID = "userId";
  static final String ANONYMOUS_ID = "anonymousId";
  static final String EMAIL = "email";

  private TrackPayloads() {}

  /**
   * The event properties every tool receives: {@code detectionId, rule, ruleVersion, severity,
   * labels, key, count, values, windowStart, windowEnd, firstEventId, lastEventId, eventIds}.
   */
  static JsonObject properties(Detection detection) {
    return new JsonObject()
        .put("detectionId", detection.id())
        .put("rule", detection.ruleId())
        .put("ruleVersion", detection.ruleVersion())
        .put("severity", detection.severity())
        .put("labels", new JsonObject(new LinkedHashMap<>(detection.labels())))
        .put("key", new JsonObject(new LinkedHashMap<>(detection.key())))
        .put("count", detection.count())
        .put("values", new JsonObject(new LinkedHashMap<>(detection.values())))
        .put("windowStart", DeliveryPayloads.iso(detection.windowStart()))
        .put("windowEnd", DeliveryPayloads.iso(detection.windowEnd()))
        .put("firstEventId", detection.firstEventId())
        .put("lastEventId", detection.lastEventId())
        .put("eventIds", new JsonArray(detection.eventIds()));
  }

  /**
   * A Segment HTTP API {@code track} call ({@code POST https://api.segment.io/v1/track}): {@code
   * userId} and {@code anonymousId} from the key when present; when the key has neither (a rule
   * grouped by {@code ip}), {@code anonymousId} is {@code tripline:} and the key ({@code
   * tripline:ip=203.0.113.7}), since Segment needs one of them. {@code messageId} is the {@code
   * webhook-id}, so Segment deduplicates retries and replays.
   */
  static JsonObject segmentTrack(Detection detection, String webhookId) {
    JsonObject body = new JsonObject().put("type", "track").put("messageId", webhookId);
    String userId = text(detection.key().get(USER_ID));
    String anonymousId = text(detection.key().get(ANONYMOUS_ID));
    if (userId != null) {
      body.put("userId", userId);
    }
    if (anonymousId != null) {
      body.put("anonymousId", anonymousId);
    } else if (userId == null) {
      body.put("anonymousId", "tripline:" + describe(detection.key()));
    }
    return body.put("event", detection.ruleId())
        .put("timestamp", DeliveryPayloads.iso(detection.detectedAt()))
        .put("properties", properties(detection))
        .put(
            "context",
            new JsonObject()
                .put("library", new JsonObject().put("name", "tripline").put("version", "0.1")));
  }

  /**
   * A Klaviyo Create Event request ({@code POST https://a.klaviyo.com/api/events}, JSON:API): the
   * metric is the rule, the profile is identified by {@code external_id} (the key's {@code
   * userId}), {@code anonymous_id} and {@code email} as present, and {@code unique_id} is the
   * {@code webhook-id}, on which Klaviyo deduplicates. Klaviyo also needs the {@code Authorization:
   * Klaviyo-API-Key ...} and {@code revision} headers, configured in the destination's {@code
   * headers}.
   */
  static JsonObject klaviyo(Detection detection, String webhookId) {
    JsonObject profile = new JsonObject();
    putText(profile, "external_id", detection.key().get(USER_ID));
    putText(profile, "anonymous_id", detection.key().get(ANONYMOUS_ID));
    putText(profile, "email", detection.key().get(EMAIL));
    JsonObject attributes =
        new JsonObject()
            .put("properties", properties(detection))
            .put("time", DeliveryPayloads.iso(detection.detectedAt()))
            .put("unique_id", webhookId)
            .put("metric", data("metric", new JsonObject().put("name", detection.ruleId())))
            .put("profile", data("profile", profile));
    return new JsonObject()
        .put("data", new JsonObject().put("type", "event").put("attributes", attributes));
  }

  /**
   * A Braze {@code POST /users/track} request with one event object: the user is the key's {@code
   * userId} as {@code external_id}, else its {@code anonymousId} as a user alias with label {@code
   * anonymousId}, else its {@code email}. The {@code Authorization: Bearer ...} header comes from
   * the destination's {@code headers}.
   */
  static JsonObject braze(Detection detection) {
    JsonObject event = new JsonObject();
    String userId = text(detection.key().get(USER_ID));
    String anonymousId = text(detection.key().get(ANONYMOUS_ID));
    String email = text(detection.key().get(EMAIL));
    if (userId != null) {
      event.put("external_id", userId);
    } else if (anonymousId != null) {
      event.put(
          "user_alias",
          new JsonObject().put("alias_name", anonymousId).put("alias_label", ANONYMOUS_ID));
    } else if (email != null) {
      event.put("email", email);
    }
    event
        .put("name", detection.ruleId())
        .put("time", DeliveryPayloads.iso(detection.detectedAt()))
        .put("properties", properties(detection));
    return new JsonObject().put("events", new JsonArray().add(event));
  }

  /**
   * A Customer.io Track API v2 event ({@code POST https://track.customer.io/api/v2/entity}): a
   * {@code person} identified by the key's {@code userId} ({@code id}) or else {@code email}; with
   * neither, an anonymous event with {@code anonymous_id}. {@code timestamp} is Unix seconds, the
   * properties go in {@code attributes}. The {@code Authorization: Basic ...} header (site id and
   * API key) comes from the destination's {@code headers}.
   */
  static JsonObject customerIo(Detection detection) {
    JsonObject body = new JsonObject().put("type", "person");
    String userId = text(detection.key().get(USER_ID));
    String email = text(detection.key().get(EMAIL));
    String anonymousId = text(detection.key().get(ANONYMOUS_ID));
    if (userId != null) {
      body.put("identifiers", new JsonObject().put("id", userId));
    } else if (email != null) {
      body.put("identifiers", new JsonObject().put("email", email));
    } else if (anonymousId != null) {
      body.put("anonymous_id", anonymousId);
    }
    return body.put("action", "event")
        .put("name", detection.ruleId())
        .put(
            "timestamp",
            detection.detectedAt() == null ? null : detection.detectedAt().getEpochSecond())
        .put("attributes", properties(detection));
  }

  private static JsonObject data(String type, JsonObject attributes) {
    return new JsonObject()
        .put("data", new JsonObject().put("type", type).put("attributes", attributes));
  }

  private static void putText(JsonObject target, String field, Object value) {
    String text = text(value);
    if (text != null) {
      target.put(field, text);
    }
  }

  /** A key value as an identifier: its text, or null when absent or blank. */
  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    String text = String.valueOf(value);
    return text.isBlank() ? null : text;
  }

  private static String describe(Map<String, Object> key) {
    StringJoiner joined = new StringJoiner(",");
    key.forEach((name, value) -> joined.add(name + "=" + value));
    return joined.toString();
  }
}
