package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.jackson.JsonFormat;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** The {@code cloudevents} format, read back by the CloudEvents Java SDK as a valid CloudEvent. */
class CloudEventsPayloadTest {

  private static CloudEvent readBack(String body) {
    return new JsonFormat().deserialize(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void should_render_a_cloudevent_the_sdk_reads_back() {
    String body =
        DeliveryPayloads.render(
            PayloadFormat.CLOUDEVENTS, PayloadExamplesTest.EXAMPLE, PayloadExamplesTest.WEBHOOK_ID);

    CloudEvent event = readBack(body);

    assertThat(event.getSpecVersion()).isEqualTo(SpecVersion.V1);
    assertThat(event.getId()).isEqualTo(PayloadExamplesTest.WEBHOOK_ID);
    assertThat(event.getSource()).isEqualTo(URI.create("/tripline/rules/cart-abandon"));
    assertThat(event.getType()).isEqualTo("dev.tripline.detection");
    assertThat(event.getTime()).isEqualTo(OffsetDateTime.parse("2026-11-21T10:30:00.250Z"));
    assertThat(event.getSubject()).isEqualTo("userId=u123");
    assertThat(event.getDataContentType()).isEqualTo("application/json");
    assertThat(new JsonObject(new String(event.getData().toBytes(), StandardCharsets.UTF_8)))
        .isEqualTo(new JsonObject(DeliveryPayloads.standard(PayloadExamplesTest.EXAMPLE)));
  }

  @Test
  void should_keep_the_webhook_id_so_a_retry_is_the_same_cloudevent() {
    String first =
        DeliveryPayloads.render(
            PayloadFormat.CLOUDEVENTS, PayloadExamplesTest.EXAMPLE, PayloadExamplesTest.WEBHOOK_ID);
    String again =
        DeliveryPayloads.render(
            PayloadFormat.CLOUDEVENTS, PayloadExamplesTest.EXAMPLE, PayloadExamplesTest.WEBHOOK_ID);
    String other =
        DeliveryPayloads.render(
            PayloadFormat.CLOUDEVENTS,
            PayloadExamplesTest.EXAMPLE,
            WebhookIds.of(PayloadExamplesTest.EXAMPLE.id(), "crm"));

    assertThat(again).isEqualTo(first);
    assertThat(readBack(other).getId()).isNotEqualTo(readBack(first).getId());
  }

  @Test
  void should_be_sent_as_structured_mode_cloudevents_json() {
    assertThat(PayloadFormat.CLOUDEVENTS.contentType())
        .startsWith(JsonFormat.CONTENT_TYPE)
        .isEqualTo("application/cloudevents+json; charset=UTF-8");
    assertThat(PayloadFormat.parse("cloudevents")).isEqualTo(PayloadFormat.CLOUDEVENTS);
  }
}
