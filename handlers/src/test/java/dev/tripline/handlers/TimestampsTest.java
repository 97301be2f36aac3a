package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path agrees with {@link DateTimeFormatter#ISO_INSTANT} on every input. */
class TimestampsTest {

  /** The formatter's verdict: the instant, or "rejected". */
  private static Object reference(String text) {
    try {
      return DateTimeFormatter.ISO_INSTANT.parse(text, Instant::from);
    } catch (DateTimeParseException e) {
      return "rejected";
    }
  }

  private static Object ours(String text) {
    try {
      return Timestamps.parse(text);
    } catch (DateTimeParseException e) {
      return "rejected";
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-21T10:30:00Z",
        "2026-11-21T10:30:00.1Z",
        "2026-11-21T10:30:00.123Z",
        "2026-11-21T10:30:00.123456789Z",
        "2024-02-29T23:59:59.999Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.5Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
        "2026-11-21T12:30:00+02:00",
        "2026-11-21T10:30:00.123-05:30",
        "2026-11-21T23:59:60Z",
        "2026-11-21T24:00:00Z",
        "2025-02-29T10:00:00Z",
        "2026-13-01T10:00:00Z",
        "2026-00-10T10:00:00Z",
        "2026-04-31T10:00:00Z",
        "2026-11-21T10:60:00Z",
        "2026-11-21T10:30:00.Z",
        "2026-11-21T10:30:00.1234567890Z",
        "2026-11-21t10:30:00z",
        "2026-11-21 10:30:00Z",
        "2026-11-21T10:30:00",
        "2026-11-21T10:30Z",
        "2026-1-21T10:30:00Z",
        "+2026-11-21T10:30:00Z",
        "2026-11-21T10:30:0aZ",
        "２０２６-11-21T10:30:00Z",
        "yesterday",
        ""
      })
  void should_agree_with_the_iso_instant_formatter(String text) {
    assertThat(ours(text)).as(text).isEqualTo(reference(text));
  }

  @Test
  void should_agree_on_random_instants_and_fraction_lengths() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              random.nextLong(-62_135_596_800L, 253_402_300_799L), random.nextInt(1_000_000_000));
      String full = instant.toString(); // ISO_INSTANT: 0, 3, 6 or 9 fraction digits
      int cut = random.nextInt(10); // also every other length, by cutting digits off
      String text =
          full.contains(".")
              ? full.substring(0, Math.min(full.length() - 1, full.indexOf('.') + 1 + cut)) + "Z"
              : full;
      if (text.endsWith(".Z")) {
        text = text.replace(".Z", "Z");
      }
      assertThat(ours(text)).as(text).isEqualTo(reference(text));
      assertThat(Timestamps.utc(text)).as("fast path taken for %s", text).isNotNull();
    }
  }

  @Test
  void should_leave_offsets_and_oddities_to_the_formatter() {
    assertThat(Timestamps.utc("2026-11-21T12:30:00+02:00")).isNull();
    assertThat(Timestamps.utc("2026-11-21T23:59:60Z")).isNull();
    assertThat(Timestamps.utc("2025-02-29T10:00:00Z")).isNull();
    assertThat(Timestamps.utc("2026-11-21T10:30:00.Z")).isNull();
  }
}
