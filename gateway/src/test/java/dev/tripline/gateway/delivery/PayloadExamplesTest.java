package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.detectors.Detection;
import dev.tripline.detectors.EventSummary;
import dev.tripline.rules.Event;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every format's body for {@link #EXAMPLE} is the example the README shows for it (the JSON block
 * after {@code <!-- example: NAME -->}), so the documentation cannot drift from the code.
 */
class PayloadExamplesTest {

  /** The cart-abandon detection the README's examples are rendered from. */
  static final Detection EXAMPLE = example();

  static final String WEBHOOK_ID = WebhookIds.of(EXAMPLE.id(), "klaviyo");

  private static final Path README = Path.of("..", "README.md");
  private static final Pattern BLOCK =
      Pattern.compile("<!-- example: ([a-z-]+) -->\\s*```json\\n(.*?)\\n```", Pattern.DOTALL);

  private static Detection example() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("after", "30m");
    values.put("starts", 1);
    values.put("deadline", "2026-11-21T10:30:00Z");
    values.put("missing", "order_completed");
    return new Detection(
        "det_5mq2k7x1",
        "cart-abandon",
        "v8c1d2e3",
        Map.of("userId", "u123"),
        Instant.parse("2026-11-21T10:00:00Z"),
        Instant.parse("2026-11-21T10:30:00Z"),
        1,
        values,
        List.of("evt_01J9ZK4"),
        "evt_01J9ZK4",
        "evt_01J9ZK4",
        Instant.parse("2026-11-21T10:30:00.250Z"),
        List.of("klaviyo"),
        "medium",
        Map.of("team", "growth"),
        EventSummary.of(
            new Event(
                "evt_01J9ZK4",
                "web",
                "add_to_cart",
                Instant.parse("2026-11-21T10:00:00Z"),
                "u123",
                "a-77",
                "203.0.113.7",
                new Event.Geo(37.56, 126.97, 30.0),
                properties(),
                Map.of("userAgent", "Mozilla/5.0"),
                Instant.parse("2026-11-21T10:00:00.140Z"))));
  }

  private static Map<String, Object> properties() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("cartId", "c9");
    properties.put("sku", "A1");
    properties.put("price", 19.9);
    return properties;
  }

  static Map<String, String> readmeExamples() throws IOException {
    Map<String, String> examples = new LinkedHashMap<>();
    Matcher m = BLOCK.matcher(Files.readString(README));
    while (m.find()) {
      examples.put(m.group(1), m.group(2));
    }
    return examples;
  }

  @ParameterizedTest
  @EnumSource(value = PayloadFormat.class, names = "TEMPLATE", mode = EnumSource.Mode.EXCLUDE)
  void should_render_the_example_the_readme_shows(PayloadFormat format) throws IOException {
    String documented = readmeExamples().get(format.wireName());

    assertThat(documented).as("README example for %s", format.wireName()).isNotNull();
    assertThat(new JsonObject(DeliveryPayloads.render(format, EXAMPLE, WEBHOOK_ID)))
        .isEqualTo(new JsonObject(documented));
  }
}
