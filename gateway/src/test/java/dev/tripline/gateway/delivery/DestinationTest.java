package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestinationTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  @Test
  void should_take_defaults_for_timeout_and_format() {
    Destination destination =
        Destination.of("klaviyo", "https://example.invalid/h", SECRET, null, null);

    assertThat(destination.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(destination.format()).isEqualTo(PayloadFormat.STANDARD);
    assertThat(destination.url()).isEqualTo(URI.create("https://example.invalid/h"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ftp url         | ftp://example.invalid/h      | "
            + SECRET
            + " | 1000 | url: must be an absolute http(s) URL, was \"ftp://example.invalid/h\"",
        "relative url    | /hooks                       | "
            + SECRET
            + " | 1000 | url: must be an absolute http(s) URL, was \"/hooks\"",
        "unparsable url  | http://exa mple              | "
            + SECRET
            + " | 1000 | url: must be an absolute http(s) URL, was \"http://exa mple\"",
        "no prefix       | https://example.invalid/h    | MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw | 1000 | secret: must start with whsec_ and hold base64",
        "not base64      | https://example.invalid/h    | whsec_%%%                        | 1000 | secret: must start with whsec_ and hold base64",
        "short secret    | https://example.invalid/h    | whsec_c2hvcnQ=                   | 1000 | secret: must hold at least 24 bytes",
        "zero timeout    | https://example.invalid/h    | "
            + SECRET
            + " | 0    | timeout: must be > 0, was PT0S",
        "negative timeout| https://example.invalid/h    | "
            + SECRET
            + " | -5   | timeout: must be > 0, was PT-0.005S",
      })
  void should_name_the_field_of_an_invalid_value(
      String name, String url, String secret, long timeoutMillis, String expected) {
    assertThat(
            Destination.validate(
                "klaviyo", url, secret, Duration.ofMillis(timeoutMillis), "standard"))
        .singleElement()
        .asString()
        .startsWith(expected);
  }

  @Test
  void should_reject_an_unknown_format() {
    assertThat(Destination.validate("k", "https://example.invalid/h", SECRET, null, "mailchimp"))
        .containsExactly(
            "format: must be one of [standard, slack, segment-track, klaviyo, braze, customerio,"
                + " cloudevents, template], was \"mailchimp\"");
  }

  @Test
  void should_list_every_problem_at_once() {
    assertThatThrownBy(() -> Destination.of("", "mailto:x@y", "nope", Duration.ZERO, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id: is required")
        .hasMessageContaining("url: must be an absolute http(s) URL")
        .hasMessageContaining("secret: must start with whsec_")
        .hasMessageContaining("timeout: must be > 0");
  }

  @Test
  void should_never_show_the_secret() {
    Destination destination =
        Destination.of("klaviyo", "https://example.invalid/h", SECRET, null, null);

    assertThat(destination.toString()).doesNotContain("MfKQ9r8").contains("whsec_***");
    assertThat(
            Destination.validate("k", "https://example.invalid/h", "whsec_MfKQ9r8%%", null, null))
        .allSatisfy(problem -> assertThat(problem).doesNotContain("MfKQ9r8"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://hooks.slack.com/services/T000/B000/XXXXSECRET | https://hooks.slack.com/services/***",
        "https://user:pass@cdp.example/hooks?token=abc          | https://***@cdp.example/hooks?***",
        "http://hooks.example:8443/hooks/tripline              | http://hooks.example:8443/hooks/***",
        "http://hooks.example:8443/hook                        | http://hooks.example:8443/hook",
        "https://example.invalid                               | https://example.invalid",
        "https://example.invalid/a/                            | https://example.invalid/a/",
      })
  void should_mask_what_a_url_may_hide_when_shown(String url, String shown) {
    Destination destination =
        Destination.of("d", url, "whsec_dGVzdC1zZWNyZXQtdGhhdC1pcy1sb25nLWVub3VnaA==", null, null);

    assertThat(destination.displayUrl()).isEqualTo(shown);
    assertThat(destination.toString()).contains("url=" + shown).doesNotContain("SECRET");
  }
}
