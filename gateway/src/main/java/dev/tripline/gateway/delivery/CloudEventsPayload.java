package dev.tripline.gateway.delivery;

import dev.tripline.detectors.Detection;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code cloudevents} format: the detection as one CloudEvent 1.0 in structured mode (the JSON
 * event format, {@code application/cloudevents+json}), written by the CloudEvents Java SDK.
 *
 * <ul>
 *   <li>{@code id}: the {@code webhook-id}, so a retry or replay is the same CloudEvent (receivers
 *       deduplicate on {@code source} + {@code id});
 *   <li>{@code source}: {@code /tripline/rules/<rule id>}; {@code type}: {@value #TYPE};
 *   <li>{@code time}: when the rule fired; {@code subject}: the key as {@code field=value} pairs
 *       (comma-separated, in the rule's key order), absent for an empty key;
 *   <li>{@code data}: the {@code standard} body ({@link DeliveryPayloads#standard}), as JSON.
 * </ul>
 */
final class CloudEventsPayload {

  /** The CloudEvents {@code type} of every detection. */
  static final String TYPE = "dev.tripline.detection";

  private static final JsonFormat FORMAT = new JsonFormat();

  private CloudEventsPayload() {}

  static String of(Detection detection, String webhookId) {
    CloudEventBuilder event =
        CloudEventBuilder.v1()
            .withId(webhookId)
            .withSource(URI.create("/tripline/rules/" + detection.ruleId()))
            .withType(TYPE)
            .withTime(detection.detectedAt().atOffset(ZoneOffset.UTC))
            .withData(
                "application/json",
                DeliveryPayloads.standard(detection).getBytes(StandardCharsets.UTF_8));
    String subject = subject(detection.key());
    if (!subject.isEmpty()) {
      event.withSubject(subject);
    }
    CloudEvent built = event.build();
    return new String(FORMAT.serialize(built), StandardCharsets.UTF_8);
  }

  private static String subject(Map<String, Object> key) {
    return key.entrySet().stream()
        .map(entry -> entry.getKey() + "=" + entry.getValue())
        .collect(Collectors.joining(","));
  }
}
