package dev.tripline.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.delivery.DestinationLimits;
import dev.tripline.gateway.delivery.DestinationRetry;
import dev.tripline.gateway.delivery.FrequencyCap;
import dev.tripline.rules.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "http://0177.0.0.1/hook, 0177.0.0.1, curl and browsers read 127.0.0.1",
    "http://0x7f.0.0.1/hook, 0x7f.0.0.1, curl and browsers read 127.0.0.1",
    "http://2130706433/hook, 2130706433, curl and browsers read 127.0.0.1",
    "http://127.1/hook, 127.1, curl and browsers read 127.0.0.1",
    "https://10.0.0.010:8443/hook, 10.0.0.010, curl and browsers read 10.0.0.8"
  })
  void should_refuse_an_ambiguous_ipv4_literal_naming_destination_field_and_host(
      String url, String host, String reading) {
    String yaml =
        """
        - id: crm
          url: %s
          secret: %s
          allow_private: true
        """
            .formatted(url, SECRET);

    assertThat(problems(yaml))
        .containsExactly(
            "destinations.yaml: destinations[0] (crm): url: host \""
                + host
                + "\" is not a plain IPv4 address ("
                + reading
                + ", other clients may read it otherwise): write four decimal numbers 0-255"
                + " without leading zeros, or a host name");
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
                + " allow_private, breaker, disable_after, format, frequency_cap, headers, id,"
                + " max_concurrency, queue, rate_limit, retry, secret, template, timeout, url");
  }

  @Test
  void should_read_a_retry_schedule_a_count_and_disable_after() {
    Map<String, Destination> destinations =
        parse(
            klaviyo("")
                + "  retry: {schedule: [10s, 1m, 1h]}\n  disable_after: 2d\n"
                + """
                - id: crm
                  url: https://crm.example/hook
                  secret: %s
                  retry: {count: 2}
                - id: slack
                  url: https://hooks.slack.com/services/T/B/X
                  secret: %s
                """
                    .formatted(SECRET, SECRET),
            Map.of());

    assertThat(destinations.get("klaviyo").retry())
        .isEqualTo(
            new DestinationRetry(
                Optional.of(
                    List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofHours(1))),
                Optional.of(Duration.ofDays(2))));
    assertThat(destinations.get("crm").retry().schedule())
        .contains(List.of(Duration.ofSeconds(5), Duration.ofMinutes(5)));
    assertThat(destinations.get("slack").retry()).isEqualTo(DestinationRetry.DEFAULTS);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "zero wait      | retry: {schedule: [5s, 0s]}   | retry.schedule[1]: must be > 0s, was \"0s\"",
        "bad wait       | retry: {schedule: [soon]}     | retry.schedule[0]: expected",
        "not a list     | retry: {schedule: 5s}         | retry.schedule: must be a list",
        "both           | retry: {schedule: [5s], count: 1} | retry: give either schedule or count",
        "big count      | retry: {count: 101}           | retry.count: must be an integer from 0 to 100,"
            + " was 101",
        "bad count      | retry: {count: many}          | retry.count: must be an integer",
        "unknown field  | retry: {attempts: 3}          | retry.attempts: unknown field; known: count,"
            + " schedule",
        "bad disable    | disable_after: soon           | disable_after: expected"
      })
  void should_name_the_retry_field_in_error(String name, String yaml, String problem) {
    assertThat(problems(klaviyo("") + "  " + yaml + "\n"))
        .singleElement()
        .asString()
        .startsWith("destinations.yaml: destinations[0] (klaviyo): " + problem);
  }

  @Test
  void should_give_each_destination_the_default_limits_and_refuse_private_addresses() {
    Destination klaviyo = parse(klaviyo(""), Map.of()).get("klaviyo");

    assertThat(klaviyo.limits()).isEqualTo(DestinationLimits.DEFAULTS);
    assertThat(klaviyo.limits().maxConcurrency()).isEqualTo(8);
    assertThat(klaviyo.limits().queue()).isEqualTo(1000);
    assertThat(klaviyo.limits().rateLimited()).isFalse();
    assertThat(klaviyo.limits().breakerFailures()).isEqualTo(5);
    assertThat(klaviyo.limits().breakerCoolOff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(klaviyo.allowPrivate()).isFalse();
  }

  @Test
  void should_read_the_isolation_limits_and_allow_private() {
    Destination klaviyo =
        parse(
                klaviyo("")
                    + """
                      max_concurrency: 4
                      queue: 50
                      rate_limit: 2.5
                      breaker: {failures: 3, cool_off: 1m}
                      allow_private: ${ALLOW:-true}
                    """,
                Map.of())
            .get("klaviyo");

    assertThat(klaviyo.limits())
        .isEqualTo(new DestinationLimits(4, 50, 2.5, 3, Duration.ofMinutes(1)));
    assertThat(klaviyo.allowPrivate()).isTrue();
  }

  @Test
  void should_name_the_destination_and_key_of_each_bad_limit() {
    assertThat(
            problems(
                klaviyo("")
                    + """
                      max_concurrency: 0
                      queue: lots
                      rate_limit: 0
                      breaker: {failures: 2, cool_off: never, after: 1}
                      allow_private: yes please
                    """))
        .containsExactly(
            "destinations.yaml: destinations[0] (klaviyo): queue: must be an integer, was \"lots\"",
            "destinations.yaml: destinations[0] (klaviyo): rate_limit: must be > 0 requests/s"
                + " (omit it for no limit), was 0",
            "destinations.yaml: destinations[0] (klaviyo): breaker.after: unknown field; known:"
                + " cool_off, failures",
            "destinations.yaml: destinations[0] (klaviyo): breaker.cool_off: expected "
                + Durations.ACCEPTED
                + ", was \"never\"",
            "destinations.yaml: destinations[0] (klaviyo): allow_private: must be true or false,"
                + " was \"yes please\"");
    assertThat(problems(klaviyo("") + "  max_concurrency: 0\n  breaker: {failures: 0}\n"))
        .containsExactly(
            "destinations.yaml: destinations[0] (klaviyo): max_concurrency: must be from 1 to"
                + " 1000, was 0",
            "destinations.yaml: destinations[0] (klaviyo): breaker.failures: must be from 1 to"
                + " 1000, was 0");
  }

  @Test
  void should_load_the_readme_example() throws Exception {
    Matcher example =
        Pattern.compile(
                "<!-- example-config: destinations -->\\s*```yaml\\n(.*?)\\n```", Pattern.DOTALL)
            .matcher(Files.readString(Path.of("..", "README.md")));
    assertThat(example.find()).isTrue();
    String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]);

    Map<String, Destination> loaded =
        parse(
            example.group(1),
            Map.of(
                "KLAVIYO_WEBHOOK_SECRET", secret,
                "KLAVIYO_SECRET", secret,
                "KLAVIYO_SECRET_NEXT", secret,
                "KLAVIYO_KEY", "pk_test"));

    assertThat(loaded).containsOnlyKeys("klaviyo", "klaviyo-events");
  }
}
