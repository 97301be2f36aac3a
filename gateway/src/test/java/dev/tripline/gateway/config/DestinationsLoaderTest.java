package dev.tripline.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.delivery.FrequencyCap;
import dev.tripline.rules.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestinationsLoaderTest {

  private static final String SECRET = "whsec_dGVzdC1zZWNyZXQtdGhhdC1pcy1sb25nLWVub3VnaA==";

  private static Map<String, Destination> parse(String yaml, Map<String, String> env) {
    return DestinationsLoader.parse("destinations.yaml", yaml, env);
  }

  private static String klaviyo(String capYaml) {
    return """
        - id: klaviyo
          url: https://example.invalid/hooks/tripline
          secret: %s
        %s
        """
        .formatted(SECRET, capYaml.isEmpty() ? "" : "  frequency_cap: " + capYaml);
  }

  private static List<String> problems(String yaml) {
    try {
      parse(yaml, Map.of());
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void should_read_a_frequency_cap_with_userId_as_the_default_per() {
    Map<String, Destination> destinations =
        parse(
            klaviyo("{max: 1, within: 16h}")
                + """
                - id: slack
                  url: https://hooks.slack.com/services/T/B/X
                  secret: %s
                  frequency_cap: {per: properties.cartId, max: 3, within: 90d}
                - id: crm
                  url: https://crm.example/hook
                  secret: %s
                """
                    .formatted(SECRET, SECRET),
            Map.of());

    assertThat(destinations.get("klaviyo").frequencyCap())
        .contains(new FrequencyCap("userId", 1, Duration.ofHours(16)));
    assertThat(destinations.get("slack").frequencyCap())
        .contains(new FrequencyCap("properties.cartId", 3, Duration.ofDays(90)));
    assertThat(destinations.get("crm").frequencyCap()).isEmpty();
    assertThat(destinations.get("klaviyo").toString())
        .contains("frequencyCap=1 per userId within 16h");
  }

  @Test
  void should_read_the_cap_from_the_environment_like_other_values() {
    Map<String, Destination> destinations =
        parse(
            klaviyo("{max: \"${KLAVIYO_CAP_MAX:-2}\", within: \"${KLAVIYO_CAP_WITHIN}\"}"),
            Map.of("KLAVIYO_CAP_WITHIN", "1d"));

    assertThat(destinations.get("klaviyo").frequencyCap())
        .contains(new FrequencyCap("userId", 2, Duration.ofDays(1)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "zero max         | {max: 0, within: 16h}           | frequency_cap.max: must be an"
            + " integer from 1 to 1000, was 0",
        "fractional max   | {max: 1.5, within: 16h}         | frequency_cap.max: must be an"
            + " integer from 1 to 1000, was \"1.5\"",
        "missing max      | {within: 16h}                   | frequency_cap.max: is required, an"
            + " integer from 1 to 1000",
        "missing within   | {max: 1}                        | frequency_cap.within: is required, a"
            + " duration such as 16h",
        "zero within      | {max: 1, within: 0s}            | frequency_cap.within: must be > 0s,"
            + " was \"0s\"",
        "too long within  | {max: 1, within: 91d}           | frequency_cap.within: must be at most"
            + " 90d, was \"91d\"",
        "unitless within  | {max: 1, within: 16}            | frequency_cap.within: expected a"
            + " duration such as 500ms, 60s, 5m, 1h, 30d or 1h30m (units d, h, m, s, ms; largest"
            + " first), was \"16\"",
        "typo in per      | {per: userid, max: 1, within: 16h} | frequency_cap.per: must be an event"
            + " field (id, source, type, userId, anonymousId, ip, geo.lat, geo.lon,"
            + " properties.<name> or context.<name>), was \"userid\", did you mean `userId`?",
        "unknown field    | {max: 1, within: 16h, per_user: true} | frequency_cap.per_user: unknown"
            + " field; known: max, per, within",
        "not a mapping    | 1/16h                           | frequency_cap: must be a mapping such"
            + " as {per: userId, max: 1, within: 16h}",
        "list per         | {per: [userId], max: 1, within: 16h} | frequency_cap.per: must be a"
            + " string",
      })
  void should_name_the_destination_and_the_key_of_an_invalid_cap(
      String name, String capYaml, String expected) {
    assertThat(problems(klaviyo(capYaml)))
        .containsExactly("destinations.yaml: destinations[0] (klaviyo): " + expected);
  }

  @Test
  void should_report_every_problem_of_every_entry_at_once() {
    String yaml =
        klaviyo("{max: 0, within: 0s}")
            + """
            - id: braze
              url: ftp://braze.example
              secret: %s
              frequency_cap: {per: propertes.email, max: 1, within: 1h}
            """
                .formatted(SECRET);

    assertThatThrownBy(() -> parse(yaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "destinations[0] (klaviyo): frequency_cap.max: must be an integer from 1 to 1000")
        .hasMessageContaining("destinations[0] (klaviyo): frequency_cap.within: must be > 0s")
        .hasMessageContaining("destinations[1] (braze): frequency_cap.per: must be an event field")
        .hasMessageContaining("did you mean `properties.email`?")
        .hasMessageContaining("destinations[1] (braze): url: must be an absolute http(s) URL");
  }

  @Test
  void should_show_an_invalid_timeout_once() {
    assertThat(problems(klaviyo("") + "  timeout: soon\n"))
        .containsExactly(
            "destinations.yaml: destinations[0] (klaviyo): timeout: expected "
                + Durations.ACCEPTED
                + ", was \"soon\"");
  }

  @Test
  void should_list_the_known_fields_for_an_unknown_one() {
    assertThat(problems(klaviyo("") + "  frequency: 1\n"))
        .containsExactly(
            "destinations.yaml: destinations[0] (klaviyo): frequency: unknown field; known:"
                + " format, frequency_cap, headers, id, secret, template, timeout, url");
  }
}
