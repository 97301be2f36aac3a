package dev.tripline.gateway.delivery;

import dev.tripline.detectors.Detection;
import dev.tripline.detectors.EventSummary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The {@code slack} body: an incoming-webhook message whose {@code text} is the notification's
 * fallback and whose blocks show the rule, severity, key, count, measurements, the latest event
 * (type, id, time, user, ip, geo) and provenance.
 *
 * <p>Key and values come from events, so from whoever sent them: they are escaped for Slack's
 * mrkdwn ({@code &}, {@code <}, {@code >}), so that an event cannot inject a link or a mention, and
 * cut to Slack's length limits.
 */
final class SlackPayload {

  /** Slack's limit for a header block's text. */
  private static final int MAX_HEADER = 150;

  /** Below Slack's 2,000-character limit for a section field, leaving room for the label. */
  private static final int MAX_FIELD = 1_900;

  private SlackPayload() {}

  static JsonObject of(Detection detection) {
    String key = describe(detection.key());
    JsonArray fields =
        new JsonArray()
            .add(field("Severity", detection.severity()))
            .add(field("Key", key.isEmpty() ? "(none)" : key))
            .add(field("Count", Integer.toString(detection.count())))
            .add(
                field(
                    "Window",
                    DeliveryPayloads.iso(detection.windowStart())
                        + " → "
                        + DeliveryPayloads.iso(detection.windowEnd())));
    if (!detection.values().isEmpty() && !detection.values().keySet().equals(Set.of("count"))) {
      fields.add(field("Values", describe(detection.values())));
    }
    if (!detection.labels().isEmpty()) {
      fields.add(field("Labels", describe(detection.labels())));
    }
    detection.latest().ifPresent(latest -> fields.add(field("Latest event", describe(latest))));
    String context =
        "detection `"
            + escape(detection.id())
            + "` · rule version "
            + escape(detection.ruleVersion())
            + " · events "
            + escape(detection.firstEventId())
            + " … "
            + escape(detection.lastEventId())
            + " ("
            + detection.eventIds().size()
            + " listed) · detected "
            + DeliveryPayloads.iso(detection.detectedAt());
    return new JsonObject()
        .put(
            "text",
            cut(
                escape(
                    "Tripline: "
                        + detection.ruleId()
                        + " fired ("
                        + detection.severity()
                        + ")"
                        + (key.isEmpty() ? "" : " for " + key)),
                MAX_FIELD))
        .put(
            "blocks",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("type", "header")
                        .put(
                            "text",
                            new JsonObject()
                                .put("type", "plain_text")
                                .put("text", cut(detection.ruleId() + " fired", MAX_HEADER))))
                .add(new JsonObject().put("type", "section").put("fields", fields))
                .add(
                    new JsonObject()
                        .put("type", "context")
                        .put(
                            "elements",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("type", "mrkdwn")
                                        .put("text", cut(context, MAX_FIELD))))));
  }

  private static JsonObject field(String label, String value) {
    return new JsonObject()
        .put("type", "mrkdwn")
        .put("text", "*" + label + "*\n" + cut(escape(value), MAX_FIELD));
  }

  /**
   * {@code add_to_cart evt_01 at 2026-11-21T10:00:00Z, userId=u123, ip=203.0.113.7}: who did what
   * and when, not yet escaped; the properties are left to the other formats.
   */
  private static String describe(EventSummary latest) {
    StringJoiner joined = new StringJoiner(", ");
    joined.add(latest.type() + " " + latest.id() + " at " + latest.timestamp());
    if (latest.userId() != null) {
      joined.add("userId=" + latest.userId());
    }
    if (latest.anonymousId() != null) {
      joined.add("anonymousId=" + latest.anonymousId());
    }
    if (latest.ip() != null) {
      joined.add("ip=" + latest.ip());
    }
    if (latest.geo() != null) {
      joined.add("geo=" + latest.geo().lat() + "," + latest.geo().lon());
    }
    return joined.toString();
  }

  /** {@code a=1, b=2}, in the map's order, not yet escaped. */
  private static String describe(Map<String, ?> values) {
    StringJoiner joined = new StringJoiner(", ");
    values.forEach((name, value) -> joined.add(name + "=" + value));
    return joined.toString();
  }

  /** Slack's mrkdwn control characters, as its documentation asks. */
  static String escape(String text) {
    return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
