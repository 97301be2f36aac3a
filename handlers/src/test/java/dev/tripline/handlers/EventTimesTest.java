package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventTimesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"1970-01-01T00:00:00Z", "2026-11-21T10:30:00.123Z", "9999-12-31T23:59:59.999Z"})
  void should_accept_instants_within_the_range(String text) {
    Instant instant = Timestamps.parse(text);

    assertThat(EventTimes.require("timestamp", instant)).isEqualTo(instant);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-999999999-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999999999Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999000001Z",
        "+10000-01-01T00:00:00Z",
        "+999999999-12-31T23:59:59.999999999Z"
      })
  void should_refuse_instants_outside_the_range_naming_field_and_value(String text) {
    assertThatThrownBy(() -> EventTimes.require("sentAt", Timestamps.parse(text), text))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo("sentAt");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "sentAt: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z,"
                          + " was \""
                          + text
                          + "\"");
            });
  }

  @Test
  void should_convert_unix_seconds_within_the_range() {
    assertThat(EventTimes.ofEpochSecond("timestamp", 0)).isEqualTo(EventTimes.EARLIEST);
    assertThat(EventTimes.ofEpochSecond("timestamp", 253_402_300_799L))
        .isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
  }

  @ParameterizedTest
  @ValueSource(longs = {Long.MAX_VALUE, Long.MIN_VALUE, -1, 253_402_300_800L})
  void should_refuse_unix_seconds_outside_the_range_without_converting_them(long seconds) {
    assertThatThrownBy(() -> EventTimes.ofEpochSecond("map.timestamp", seconds))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo("map.timestamp");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "map.timestamp: must be Unix seconds from 0 to 253402300799 (between"
                          + " 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z), was "
                          + seconds);
            });
  }
}
