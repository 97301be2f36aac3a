package dev.tripline.gateway.delivery;

import dev.tripline.detectors.Detection;
import dev.tripline.detectors.EventSummary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Bodies for the event ("track") APIs of CDPs and email tools: the detection becomes one event
 * named after the rule, happening at {@code detectedAt}, for the person the detection's key names.
 *
 * <p>The person ({@link Person}) comes from the key's {@code userId}, {@code anonymousId} and
 * {@code email} fields (rules that group or correlate by them); each one the key lacks is taken
 * from the latest event (its {@code userId}, {@code anonymousId}, and a text {@code
 * properties.email}). The event's properties are the same for every tool ({@link #properties}). A
 * tool that needs a person gets none when neither the key nor the latest event names one: the body
 * cannot be rendered ({@link IllegalStateException}) and the delivery is dead-lettered with that
 * error, since the tool would refuse it.
 */
final class TrackPayloads {

  static final String USER_ID = "userId";
  static final String ANONYMOUS_ID = "anonymousId";
  static final String EMAIL = "email";

  private TrackPayloads() {}

  /**
   * The event properties every tool receives: {@code detectionId, rule, ruleVersion, severity,
   * labels, key, count, values, windowStart, windowEnd, firstEventId, lastEventId, eventIds} and,
   * when the detection has one, {@code latestEvent} (the summary of {@link
   * dev.tripline.detectors.EventSummary}).
   */
  static JsonObject properties(Detection detection) {
    JsonObject properties =
        new JsonObject()
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
    detection
        .latest()
        .ifPresent(latest -> properties.put("latestEvent", DeliveryPayloads.summary(latest)));
    return properties;
  }

  /**
   * Who a detection is about, for the tools that track people: each field from the key, else from
   * the latest event; null when neither has it.
   */
  record Person(String userId, String anonymousId, String email) {

    static Person of(Detection detection) {
      Map<String, Object> key = detection.key();
      EventSummary latest = detection.latestEvent();
      return new Person(
          firstText(key.get(USER_ID), latest == null ? null : latest.userId()),
          firstText(key.get(ANONYMOUS_ID), latest == null ? null : latest.anonymousId()),
          firstText(key.get(EMAIL), latest == null ? null : latest.properties().get(EMAIL)));
    }

    boolean isEmpty() {
      return userId == null && anonymousId == null && email == null;
    }
  }

  private static String firstText(Object preferred, Object fallback) {
    String text = text(preferred);
    return text != null ? text : text(fallback);
  }

  private static IllegalStateException noPerson(String format, String needs) {
    return new IllegalStateException(
        format
            + ": the detection names no person: needs "
            + needs
            + " in the rule's key or the latest event");
  }

  /**
   * A Segment HTTP API {@code track} call ({@code POST https://api.segment.io/v1/track}): {@code
   * userId} and {@code anonymousId} of the {@link Person} when present; when there is neither,
   * {@code anonymousId} is {@code tripline:} and the key ({@code tripline:ip=203.0.113.7}), since
   * Segment needs one of them. {@code messageId} is the {@code webhook-id}, so Segment deduplicates
   * retries and replays.
   */
  static JsonObject segmentTrack(Detection detection, String webhookId) {
    JsonObject body = new JsonObject().put("type", "track").put("messageId", webhookId);
    Person person = Person.of(detection);
    String userId = person.userId();
    String anonymousId = person.anonymousId();
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
   * metric is the rule, the profile is identified by {@code external_id} (the {@link Person}'s
   * {@code userId}), {@code anonymous_id} and {@code email} as present, and {@code unique_id} is
   * the {@code webhook-id}, on which Klaviyo deduplicates. Klaviyo also needs the {@code
   * Authorization: Klaviyo-API-Key ...} and {@code revision} headers, configured in the
   * destination's {@code headers}.
   */
  static JsonObject klaviyo(Detection detection, String webhookId) {
    Person person = Person.of(detection);
    if (person.isEmpty()) {
      throw noPerson("klaviyo", "a userId, anonymousId or email");
    }
    JsonObject profile = new JsonObject();
    putText(profile, "external_id", person.userId());
    putText(profile, "anonymous_id", person.anonymousId());
    putText(profile, "email", person.email());
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
   * A Braze {@code POST /users/track} request with one event object: the user is the {@link
   * Person}'s {@code userId} as {@code external_id}, else its {@code anonymousId} as a user alias
   * with label {@code anonymousId}, else its {@code email} (Braze takes one identifier per event).
   * The {@code Authorization: Bearer ...} header comes from the destination's {@code headers}.
   */
  static JsonObject braze(Detection detection) {
    JsonObject event = new JsonObject();
    Person person = Person.of(detection);
    String userId = person.userId();
    String anonymousId = person.anonymousId();
    String email = person.email();
    if (person.isEmpty()) {
      throw noPerson("braze", "a userId, anonymousId or email");
    }
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
   * A Customer.io Track API v2 event ({@code POST https://track.customer.io/api/v2/entity}, the
   * {@code person_event} operation): a {@code person} identified by exactly one identifier, the
   * {@link Person}'s {@code userId} ({@code id}) or else {@code email}; v2 has no anonymous person
   * event, so a detection with neither cannot be rendered. {@code id} is a ULID derived from {@code
   * detectedAt} and the {@code webhook-id}, on which Customer.io deduplicates; {@code timestamp} is
   * Unix seconds, the properties go in {@code attributes}. The {@code Authorization: Basic ...}
   * header (site id and API key) comes from the destination's {@code headers}.
   */
  static JsonObject customerIo(Detection detection, String webhookId) {
    JsonObject body = new JsonObject().put("type", "person");
    Person person = Person.of(detection);
    if (person.userId() != null) {
      body.put("identifiers", new JsonObject().put("id", person.userId()));
    } else if (person.email() != null) {
      body.put("identifiers", new JsonObject().put("email", person.email()));
    } else {
      throw noPerson("customerio", "a userId or email");
    }
    return body.put("action", "event")
        .put("id", Ulids.of(detection.detectedAt(), webhookId))
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
