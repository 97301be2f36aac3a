package dev.tripline.handlers.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.handlers.HttpException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentTimestampsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2012-12-02T00:30:08.276Z, 2012-12-02T00:30:08.276Z",
    // the month as the Segment spec's own batch example writes it
    "2015-2-02T00:30:08.276Z, 2015-02-02T00:30:08.276Z",
    "2015-2-2T00:30:08Z, 2015-02-02T00:30:08Z",
    "2026-11-23T10:00:00+02:00, 2026-11-23T08:00:00Z",
    "2026-11-23T10:00:00.123456789-0130, 2026-11-23T11:30:00.123456789Z",
    "2026-11-23T10:00Z, 2026-11-23T10:00:00Z"
  })
  void should_parse_what_segment_libraries_and_examples_send(String text, String expected) {
    assertThat(SegmentTimestamps.parse(text)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"2026-11-23T10:00:00", "2026-02-30T10:00:00Z", "yesterday", "1700000000", ""})
  void should_refuse_what_names_no_instant(String text) {
    assertThatThrownBy(() -> SegmentTimestamps.parse(text))
        .isInstanceOf(DateTimeParseException.class);
  }

  @ParameterizedTest(name = "timestamp {0}, sentAt {1} -> {2}")
  @CsvSource({
    // a device clock an hour behind: the event happened 5 s before the gateway received it
    "2026-11-23T08:59:55Z, 2026-11-23T09:00:00Z, 2026-11-23T09:59:55Z",
    // a device clock ten minutes ahead
    "2026-11-23T10:09:00Z, 2026-11-23T10:10:00Z, 2026-11-23T09:59:00Z",
    // no sentAt: the sender's timestamp as it is (historical imports)
    "2012-12-02T00:30:08.276Z, , 2012-12-02T00:30:08.276Z",
    // no timestamp: the gateway's clock
    ", 2026-11-23T09:00:00Z, 2026-11-23T10:00:00Z"
  })
  void should_correct_the_device_clock_skew_as_segment_does(
      String timestamp, String sentAt, String expected) {
    Instant receivedAt = Instant.parse("2026-11-23T10:00:00Z");

    assertThat(
            SegmentTimestamps.corrected(
                timestamp == null ? null : Instant.parse(timestamp),
                sentAt == null ? null : Instant.parse(sentAt),
                receivedAt))
        .isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"-999999999-01-01T00:00:00Z", "999999999-12-31T23:59:59Z", "1969-12-31T23:59Z"})
  void should_refuse_a_time_outside_the_representable_range_naming_the_field(String text) {
    assertThatThrownBy(() -> SegmentTimestamps.read("sentAt", text))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo("sentAt");
              assertThat(e.getMessage())
                  .startsWith(
                      "sentAt: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z,"
                          + " was \"");
            });
  }

  @ParameterizedTest(name = "timestamp {0}, sentAt {1}")
  @CsvSource({
    "1970-01-01T00:00:00Z, 9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59Z, 1970-01-01T00:00:00Z"
  })
  void should_refuse_a_correction_that_leaves_the_range_instead_of_overflowing(
      String timestamp, String sentAt) {
    Instant receivedAt = Instant.parse("2026-11-23T10:00:00Z");

    assertThatThrownBy(
            () ->
                SegmentTimestamps.corrected(
                    Instant.parse(timestamp), Instant.parse(sentAt), receivedAt))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo("timestamp");
              assertThat(e.getMessage()).contains("once corrected for the sender's clock");
            });
  }

  @Test
  void should_refuse_unrepresentable_inputs_to_the_correction_instead_of_throwing() {
    assertThatThrownBy(
            () ->
                SegmentTimestamps.corrected(
                    Instant.MIN, Instant.parse("2026-11-23T09:00:00Z"), Instant.now()))
        .isInstanceOfSatisfying(
            HttpException.class, e -> assertThat(e.field()).isEqualTo("timestamp"));
  }
}
