package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.detectors.Detection;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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
    assertThat(
            DeliveryPayloads.render(
                PayloadFormat.STANDARD, Detections.detection("det_1"), "msg_unused"))
        .isEqualTo(DeliveryPayloads.standard(Detections.detection("det_1")));
  }

  private static Detection keyed(Map<String, Object> key) {
    return Detections.detection("det_1", "repeat-ip-signups", key, DETECTED_AT, "crm");
  }

  private static final Instant DETECTED_AT = Instant.parse("2026-11-21T10:30:00.140Z");

  private static JsonObject render(PayloadFormat format, Detection detection) {
    return new JsonObject(DeliveryPayloads.render(format, detection, "msg_abc"));
  }

  @Test
  void should_escape_what_events_put_in_a_slack_message() {
    JsonObject body =
        render(PayloadFormat.SLACK, keyed(Map.of("userId", "<!channel> & <https://evil|click>")));

    assertThat(body.encode()).doesNotContain("<!channel>", "<https://evil");
    assertThat(body.getString("text"))
        .isEqualTo(
            "Tripline: repeat-ip-signups fired (high) for userId=&lt;!channel&gt; &amp;"
                + " &lt;https://evil|click&gt;");
    assertThat(body.getJsonArray("blocks").getJsonObject(1).getJsonArray("fields").encode())
        .contains("*Key*\\nuserId=&lt;!channel&gt; &amp; &lt;https://evil|click&gt;");
  }

  @Test
  void should_name_an_anonymous_segment_user_after_the_key_when_it_has_no_user() {
    Map<String, Object> ipOnly = new LinkedHashMap<>();
    ipOnly.put("ip", "203.0.113.7");
    ipOnly.put("source", "web");

    JsonObject byIp = render(PayloadFormat.SEGMENT_TRACK, keyed(ipOnly));
    JsonObject anonymous =
        render(PayloadFormat.SEGMENT_TRACK, keyed(Map.of("anonymousId", "a-77")));

    assertThat(byIp.containsKey("userId")).isFalse();
    assertThat(byIp.getString("anonymousId")).isEqualTo("tripline:ip=203.0.113.7,source=web");
    assertThat(byIp.getString("messageId")).isEqualTo("msg_abc");
    assertThat(anonymous.getString("anonymousId")).isEqualTo("a-77");
    assertThat(anonymous.containsKey("userId")).isFalse();
  }

  @Test
  void should_identify_the_person_each_tool_s_way_from_the_key() {
    Detection anonymous = keyed(Map.of("anonymousId", "a-77"));
    Detection byEmail = keyed(Map.of("email", "ann@example.com"));

    assertThat(
            render(PayloadFormat.KLAVIYO, anonymous)
                .getJsonObject("data")
                .getJsonObject("attributes")
                .getJsonObject("profile"))
        .isEqualTo(
            new JsonObject(
                "{\"data\":{\"type\":\"profile\",\"attributes\":{\"anonymous_id\":\"a-77\"}}}"));
    assertThat(
            render(PayloadFormat.BRAZE, anonymous)
                .getJsonArray("events")
                .getJsonObject(0)
                .getJsonObject("user_alias"))
        .isEqualTo(new JsonObject("{\"alias_name\":\"a-77\",\"alias_label\":\"anonymousId\"}"));
    assertThat(
            render(PayloadFormat.BRAZE, byEmail)
                .getJsonArray("events")
                .getJsonObject(0)
                .getString("email"))
        .isEqualTo("ann@example.com");
    assertThat(render(PayloadFormat.CUSTOMERIO, byEmail).getJsonObject("identifiers"))
        .isEqualTo(new JsonObject("{\"email\":\"ann@example.com\"}"));
    JsonObject customerIoAnonymous = render(PayloadFormat.CUSTOMERIO, anonymous);
    assertThat(customerIoAnonymous.containsKey("identifiers")).isFalse();
    assertThat(customerIoAnonymous.getString("anonymous_id")).isEqualTo("a-77");
  }

  @Test
  void should_send_each_format_with_its_content_type() {
    assertThat(PayloadFormat.KLAVIYO.contentType()).isEqualTo("application/vnd.api+json");
    assertThat(PayloadFormat.STANDARD.contentType()).isEqualTo("application/json");
  }
}
