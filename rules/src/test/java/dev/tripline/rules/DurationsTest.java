package dev.tripline.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
    "500ms, 500",
    "60s, 60000",
    "5m, 300000",
    "1h, 3600000",
    "30d, 2592000000",
    "1h30m, 5400000",
    "1d2h3m4s5ms, 93784005",
    "0s, 0",
    "' 90s ', 90000"
  })
  void should_parse_compact_durations(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "rejects [{0}]")
  @ValueSource(
      strings = {
        "",
        " ",
        "-5s",
        "5",
        "5w",
        "5 s",
        "1.5h",
        "s",
        "30m1h",
        "1h1h",
        "1h-5m",
        "5S",
        "99999999999999999d"
      })
  void should_reject_malformed_durations_naming_the_accepted_forms(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected " + Durations.ACCEPTED + ", was \"" + text + "\"");
  }

  @ParameterizedTest(name = "{0} ms formats as {1}")
  @CsvSource({
    "0, 0s",
    "90000, 1m30s",
    "500, 500ms",
    "1500, 1s500ms",
    "86400000, 1d",
    "5400000, 1h30m",
    "2592000000, 30d"
  })
  void should_format_in_the_syntax_it_parses(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @org.junit.jupiter.api.Test
  void should_refuse_to_format_a_negative_duration() {
    assertThatThrownBy(() -> Durations.format(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
  }
}
