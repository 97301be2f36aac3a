package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveryPayloadsTest {

  @Test
  void should_render_the_standard_body_in_a_stable_field_order() {
    String body = DeliveryPayloads.standard(Detections.detection("det_1", "klaviyo"));

    assertThat(body)
        .isEqualTo(
            "{\"type\":\"detection\",\"id\":\"det_1\","
                + "\"rule\":{\"id\":\"repeat-ip-signups\",\"version\":\"3\"},"
                + "\"severity\":\"high\",\"labels\":{\"team\":\"growth\"},"
                + "\"key\":{\"ip\":\"203.0.113.7\",\"userId\":\"u123\"},"
                + "\"window\":{\"start\":\"2026-11-21T10:29:00Z\","
                + "\"end\":\"2026-11-21T10:30:00.123Z\"},"
                + "\"count\":3,"
                + "\"values\":{\"count\":3},"
                + "\"events\":{\"first\":\"evt_1\",\"last\":\"evt_3\","
                + "\"ids\":[\"evt_1\",\"evt_2\",\"evt_3\"]},"
                + "\"detectedAt\":\"2026-11-21T10:30:00.140Z\"}");
  }

  @Test
  void should_render_the_same_detection_to_the_same_bytes() {
    assertThat(DeliveryPayloads.render(PayloadFormat.STANDARD, Detections.detection("det_1")))
        .isEqualTo(DeliveryPayloads.standard(Detections.detection("det_1")));
  }
}
