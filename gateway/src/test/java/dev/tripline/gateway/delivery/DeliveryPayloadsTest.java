package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.detectors.Detection;
import dev.tripline.detectors.EventSummary;
import dev.tripline.rules.Event;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
    // Track API v2 has no anonymous person event
    assertThatThrownBy(() -> render(PayloadFormat.CUSTOMERIO, anonymous))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "customerio: the detection names no person: needs a userId or email in the rule's key"
                + " or the latest event");
  }

  /** A detection grouped by ip whose latest event names the user. */
  private static Detection byIpWithLatest(EventSummary latest) {
    Detection base = keyed(Map.of("ip", "203.0.113.7"));
    return new Detection(
        base.id(),
        base.ruleId(),
        base.ruleVersion(),
        base.key(),
        base.windowStart(),
        base.windowEnd(),
        base.count(),
        base.values(),
        base.eventIds(),
        base.firstEventId(),
        base.lastEventId(),
        base.detectedAt(),
        base.destinations(),
        base.severity(),
        base.labels(),
        latest);
  }

  private static EventSummary latest(String userId, String anonymousId, Map<String, Object> props) {
    return EventSummary.of(
        new Event(
            "evt_3",
            "web",
            "signup",
            Instant.parse("2026-11-21T10:30:00.123Z"),
            userId,
            anonymousId,
            "203.0.113.7",
            null,
            props,
            Map.of(),
            Instant.parse("2026-11-21T10:30:00.130Z")));
  }

  @Test
  void should_put_the_latest_event_in_the_standard_body() {
    JsonObject body =
        render(PayloadFormat.STANDARD, byIpWithLatest(latest("u9", null, Map.of("plan", "free"))));

    assertThat(body.getJsonObject("events").getJsonObject("latest"))
        .isEqualTo(
            new JsonObject(
                "{\"id\":\"evt_3\",\"source\":\"web\",\"type\":\"signup\","
                    + "\"timestamp\":\"2026-11-21T10:30:00.123Z\",\"userId\":\"u9\","
                    + "\"ip\":\"203.0.113.7\",\"properties\":{\"plan\":\"free\"}}"));
  }

  @Test
  void should_leave_the_latest_event_out_of_a_detection_without_one() {
    assertThat(
            render(PayloadFormat.STANDARD, keyed(Map.of("ip", "203.0.113.7")))
                .getJsonObject("events")
                .containsKey("latest"))
        .isFalse();
  }

  @Test
  void should_identify_the_person_from_the_latest_event_when_the_key_names_none() {
    Detection detection = byIpWithLatest(latest("u9", "a-1", Map.of("email", "ann@example.com")));

    assertThat(render(PayloadFormat.SEGMENT_TRACK, detection).getString("userId")).isEqualTo("u9");
    assertThat(
            render(PayloadFormat.KLAVIYO, detection)
                .getJsonObject("data")
                .getJsonObject("attributes")
                .getJsonObject("profile")
                .getJsonObject("data")
                .getJsonObject("attributes"))
        .isEqualTo(
            new JsonObject(
                "{\"external_id\":\"u9\",\"anonymous_id\":\"a-1\","
                    + "\"email\":\"ann@example.com\"}"));
    assertThat(
            render(PayloadFormat.BRAZE, detection)
                .getJsonArray("events")
                .getJsonObject(0)
                .getString("external_id"))
        .isEqualTo("u9");
    assertThat(render(PayloadFormat.CUSTOMERIO, detection).getJsonObject("identifiers"))
        .isEqualTo(new JsonObject().put("id", "u9"));
    assertThat(
            render(PayloadFormat.BRAZE, detection)
                .getJsonArray("events")
                .getJsonObject(0)
                .getJsonObject("properties")
                .getJsonObject("latestEvent")
                .getString("userId"))
        .isEqualTo("u9");
    assertThat(render(PayloadFormat.SLACK, detection).encode())
        .contains("*Latest event*\\nsignup evt_3 at 2026-11-21T10:30:00.123Z, userId=u9");
  }

  @ParameterizedTest
  @EnumSource(
      value = PayloadFormat.class,
      names = {"KLAVIYO", "BRAZE", "CUSTOMERIO"})
  void should_refuse_to_render_a_person_event_without_a_person(PayloadFormat format) {
    Detection nobody = byIpWithLatest(latest(null, null, Map.of()));

    assertThatThrownBy(() -> render(format, nobody))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(format.wireName() + ": the detection names no person");
  }

  @Test
  void should_give_customer_io_a_stable_ulid_per_delivery() {
    Detection detection = keyed(Map.of("userId", "u1"));

    String id = render(PayloadFormat.CUSTOMERIO, detection).getString("id");

    assertThat(id).matches("[0-9A-HJKMNP-TV-Z]{26}");
    assertThat(render(PayloadFormat.CUSTOMERIO, detection).getString("id")).isEqualTo(id);
    assertThat(
            new JsonObject(
                    DeliveryPayloads.render(PayloadFormat.CUSTOMERIO, detection, "msg_other"))
                .getString("id"))
        .isNotEqualTo(id);
    // the first 10 characters are the time, as in the ULID spec's example 01ARYZ6S41...
    assertThat(Ulids.of(Instant.ofEpochMilli(1469918176385L), "x")).startsWith("01ARYZ6S41");
    assertThat(id.substring(0, 10)).isEqualTo(Ulids.of(DETECTED_AT, "x").substring(0, 10));
  }

  @Test
  void should_send_each_format_with_its_content_type() {
    assertThat(PayloadFormat.KLAVIYO.contentType()).isEqualTo("application/vnd.api+json");
    assertThat(PayloadFormat.STANDARD.contentType()).isEqualTo("application/json");
  }
}
