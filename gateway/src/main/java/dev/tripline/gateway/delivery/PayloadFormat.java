package dev.tripline.gateway.delivery;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The body shape a destination receives, named in its {@code format}. Each is rendered by {@link
 * DeliveryPayloads}; the README shows an example body of each.
 */
public enum PayloadFormat {
  /** Tripline's own JSON detection document, see {@link DeliveryPayloads#standard}. */
  STANDARD("standard", "application/json"),
  /** A Slack incoming-webhook message with blocks, see {@link SlackPayload}. */
  SLACK("slack", "application/json"),
  /** A Segment HTTP API {@code track} call, see {@link TrackPayloads#segmentTrack}. */
  SEGMENT_TRACK("segment-track", "application/json"),
  /**
   * A Klaviyo Create Event request ({@code POST /api/events}), see {@link TrackPayloads#klaviyo}.
   */
  KLAVIYO("klaviyo", "application/vnd.api+json"),
  /** A Braze {@code /users/track} request with one event, see {@link TrackPayloads#braze}. */
  BRAZE("braze", "application/json"),
  /**
   * A Customer.io Track API v2 {@code /api/v2/entity} event, see {@link TrackPayloads#customerIo}.
   */
  CUSTOMERIO("customerio", "application/json"),
  /**
   * A CloudEvent 1.0 in structured mode whose {@code data} is the standard body, see {@link
   * CloudEventsPayload}.
   */
  CLOUDEVENTS("cloudevents", "application/cloudevents+json; charset=UTF-8"),
  /** The destination's own {@code template:}, see {@link PayloadTemplate}. */
  TEMPLATE("template", "application/json");

  private final String wireName;
  private final String contentType;

  PayloadFormat(String wireName, String contentType) {
    this.wireName = wireName;
    this.contentType = contentType;
  }

  /** The name used in configuration. */
  public String wireName() {
    return wireName;
  }

  /** The {@code content-type} the body is sent with (a destination's headers may replace it). */
  public String contentType() {
    return contentType;
  }

  /** The format configured as {@code name}, if there is one. */
  public static Optional<PayloadFormat> find(String name) {
    return Arrays.stream(values()).filter(f -> f.wireName.equals(name)).findFirst();
  }

  /**
   * The format configured as {@code name}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static PayloadFormat parse(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "format: must be one of " + wireNames() + ", was \"" + name + "\""));
  }

  /** The accepted configuration names, for error messages. */
  public static List<String> wireNames() {
    return Arrays.stream(values()).map(PayloadFormat::wireName).toList();
  }
}
