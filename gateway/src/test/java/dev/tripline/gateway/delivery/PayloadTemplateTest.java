package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.detectors.Detection;
import dev.tripline.gateway.config.DestinationsLoader;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PayloadTemplateTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private static Object yaml(String text) {
    return new org.snakeyaml.engine.v2.api.Load(
            org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
        .loadFromString(text);
  }

  private static List<String> problems(String templateYaml) {
    try {
      PayloadTemplate.compile(yaml(templateYaml));
    } catch (PayloadTemplate.InvalidTemplateException e) {
      return e.problems();
    }
    throw new AssertionError("expected an InvalidTemplateException");
  }

  @Test
  void should_render_the_readme_example_from_the_readme_config() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher config =
        Pattern.compile(
                "<!-- example-config: template -->\\s*```yaml\\n(.*?)\\n```", Pattern.DOTALL)
            .matcher(readme);
    assertThat(config.find()).isTrue();

    Destination crm =
        DestinationsLoader.parse("README.md", config.group(1), Map.of("CRM_SECRET", SECRET))
            .get("crm");
    String body =
        DeliveryPayloads.render(crm, PayloadExamplesTest.EXAMPLE, PayloadExamplesTest.WEBHOOK_ID);

    assertThat(crm.format()).isEqualTo(PayloadFormat.TEMPLATE);
    assertThat(new JsonObject(body))
        .isEqualTo(new JsonObject(PayloadExamplesTest.readmeExamples().get("template")));
  }

  @Test
  void should_keep_literals_lists_and_the_field_order() {
    PayloadTemplate template =
        PayloadTemplate.compile(
            yaml(
                """
                z: "'first'"
                a: [detection.count, 2.5, true, null, "detection.key"]
                m: {n: "size(detection.events.ids)"}
                """));

    assertThat(template.render(PayloadExamplesTest.EXAMPLE, "msg_1"))
        .isEqualTo(
            "{\"z\":\"first\",\"a\":[1,2.5,true,null,{\"userId\":\"u123\"}],\"m\":{\"n\":1}}");
  }

  @Test
  void should_report_every_compile_error_with_its_field_and_position() {
    assertThat(
            problems(
                """
                user: detecton.key.userId
                data:
                  when: "detection.detectedAt +"
                  rule: detection.rul.id
                  nothing: ""
                  events: ["detection.events.ids", "webhookid"]
                """))
        .containsExactly(
            "template.user: undeclared reference to 'detecton' at 1:1",
            "template.data.when: syntax error: mismatched input '<EOF>' expecting {'[', '{', '(',"
                + " '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING,"
                + " BYTES, IDENTIFIER} at 1:23",
            "template.data.rule: detection has no field `rul`; known: count, detectedAt, events,"
                + " id, key, labels, rule, severity, type, values, window",
            "template.data.nothing: must not be empty (a literal empty text is '')",
            "template.data.events[1]: undeclared reference to 'webhookid' at 1:1");
  }

  @Test
  void should_refuse_a_template_that_is_not_a_mapping() {
    assertThat(problems("detection.rule.id"))
        .containsExactly(
            "template: must be a mapping of JSON field to CEL expression, such as {event:"
                + " detection.rule.id}");
  }

  @Test
  void should_name_the_field_that_fails_on_a_detection_without_that_key() {
    PayloadTemplate template = PayloadTemplate.compile(yaml("email: detection.key.email"));
    Detection byIp =
        Detections.detection(
            "det_1",
            "repeat-ip-signups",
            Map.of("ip", "203.0.113.7"),
            Instant.parse("2026-11-21T10:30:00Z"),
            "crm");

    assertThatThrownBy(() -> template.render(byIp, "msg_1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("template.email: `detection.key.email` failed:")
        .hasMessageContaining("email")
        .hasMessageNotContaining("203.0.113.7");
  }
}
