package dev.tripline.gateway.delivery;

import dev.tripline.detectors.Detection;
import dev.tripline.detectors.EventSummary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;

/**
 * Renders a detection as the body a destination receives. The body is rendered once, stored in the
 * outbox and sent byte for byte on every attempt, because the signature covers the exact bytes.
 */
public final class DeliveryPayloads {

  private DeliveryPayloads() {}

  /**
   * The body of {@code detection} for {@code destination}, in its format or from its template.
   *
   * @throws IllegalStateException when the destination's template fails on this detection (a key
   *     field it reads is missing, say), naming the template field, or when its format needs a
   *     person the detection does not name
   */
  public static String render(Destination destination, Detection detection, String webhookId) {
    return destination.template().isPresent()
        ? destination.template().get().render(detection, webhookId)
        : render(destination.format(), detection, webhookId);
  }

  /**
   * The body of {@code detection} in a built-in {@code format}, for a delivery with that {@code
   * webhook-id}.
   *
   * @throws IllegalArgumentException for {@link PayloadFormat#TEMPLATE}, which needs a destination
   * @throws IllegalStateException when the format needs a person the detection does not name
   *     (klaviyo, braze, customerio)
   */
  public static String render(PayloadFormat format, Detection detection, String webhookId) {
    return switch (format) {
      case TEMPLATE ->
          throw new IllegalArgumentException("format template renders a destination's template");
      case STANDARD -> standard(detection);
      case SLACK -> SlackPayload.of(detection).encode();
      case SEGMENT_TRACK -> TrackPayloads.segmentTrack(detection, webhookId).encode();
      case KLAVIYO -> TrackPayloads.klaviyo(detection, webhookId).encode();
      case BRAZE -> TrackPayloads.braze(detection).encode();
      case CUSTOMERIO -> TrackPayloads.customerIo(detection, webhookId).encode();
      case CLOUDEVENTS -> CloudEventsPayload.of(detection, webhookId);
    };
  }

  /**
   * The {@code standard} body: Tripline's detection document, with a stable field order so that the
   * same detection always gives the same bytes. For example:
   *
   * <pre>{@code
   * {"type":"detection","id":"det_9f2c...",
   *  "rule":{"id":"repeat-ip-signups","version":"3"},
   *  "severity":"medium","labels":{"team":"growth"},
   *  "key":{"ip":"203.0.113.7"},
   *  "window":{"start":"2026-11-21T10:29:00Z","end":"2026-11-21T10:30:00.123Z"},
   *  "count":20,
   *  "values":{"count":20},
   *  "events":{"first":"evt_01","last":"evt_20","ids":["evt_01","...","evt_20"],
   *            "latest":{"id":"evt_20","source":"web","type":"signup",
   *                      "timestamp":"2026-11-21T10:30:00.123Z","userId":"u123",
   *                      "ip":"203.0.113.7","properties":{"plan":"free"}}},
   *  "detectedAt":"2026-11-21T10:30:00.140Z"}
   * }</pre>
   *
   * Times are ISO-8601 UTC; {@code key} keeps the rule's group-by order; {@code events.ids} lists
   * at most {@link Detection#MAX_EVENT_IDS} ids, oldest first; {@code values} holds what made the
   * rule fire (for a velocity rule: {@code speedKmh}, {@code distanceM}, {@code seconds}, {@code
   * fromLat}, {@code fromLon}, {@code toLat}, {@code toLon}); {@code events.latest} is the bounded
   * summary of the latest event ({@link EventSummary}), left out for a detection that has none.
   */
  public static String standard(Detection detection) {
    JsonObject body =
        new JsonObject()
            .put("type", "detection")
            .put("id", detection.id())
            .put(
                "rule",
                new JsonObject()
                    .put("id", detection.ruleId())
                    .put("version", detection.ruleVersion()))
            .put("severity", detection.severity())
            .put("labels", new JsonObject(new LinkedHashMap<>(detection.labels())))
            .put("key", new JsonObject(new LinkedHashMap<>(detection.key())))
            .put(
                "window",
                new JsonObject()
                    .put("start", iso(detection.windowStart()))
                    .put("end", iso(detection.windowEnd())))
            .put("count", detection.count())
            .put("values", new JsonObject(new LinkedHashMap<>(detection.values())))
            .put(
                "events",
                new JsonObject()
                    .put("first", detection.firstEventId())
                    .put("last", detection.lastEventId())
                    .put("ids", new JsonArray(detection.eventIds())))
            .put("detectedAt", iso(detection.detectedAt()));
    detection
        .latest()
        .ifPresent(latest -> body.getJsonObject("events").put("latest", summary(latest)));
    return body.encode();
  }

  /** The latest event's summary as JSON, in {@link EventSummary#asMap} order. */
  static JsonObject summary(EventSummary latest) {
    return new JsonObject(latest.asMap());
  }

  static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
