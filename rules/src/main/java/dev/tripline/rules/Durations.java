package dev.tripline.rules;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compact duration syntax of rule and config files ({@code 500ms}, {@code 60s}, {@code 1h30m}).
 *
 * <p>One syntax everywhere, so that what an author writes in a rule and what the gateway prints in
 * a message or a metric label look the same. Units are {@code d}, {@code h}, {@code m}, {@code s}
 * and {@code ms}; a compound names each unit at most once, largest first. Sub-millisecond precision
 * is not expressible on purpose: event time is millisecond-precise.
 */
public final class Durations {

  /** What {@link #parse} accepts, for messages. */
  public static final String ACCEPTED =
      "a duration such as 500ms, 60s, 5m, 1h, 30d or 1h30m (units d, h, m, s, ms; largest first)";

  private static final Pattern PART = Pattern.compile("(\\d{1,18})(ms|d|h|m|s)");
  private static final String[] UNITS = {"d", "h", "m", "s", "ms"};
  private static final long[] MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};

  private Durations() {}

  /**
   * Parses a compact duration.
   *
   * @throws IllegalArgumentException naming what is accepted when {@code text} is empty, negative,
   *     unitless, uses an unknown unit, repeats a unit or overflows
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(text);
    }
    String trimmed = text.strip();
    Matcher matcher = PART.matcher(trimmed);
    long total = 0;
    int position = 0;
    int lastUnit = -1;
    while (position < trimmed.length()) {
      if (!matcher.find(position) || matcher.start() != position) {
        throw invalid(text);
      }
      int unit = unitIndex(matcher.group(2));
      if (unit <= lastUnit) {
        throw invalid(text);
      }
      lastUnit = unit;
      try {
        total =
            Math.addExact(
                total, Math.multiplyExact(Long.parseLong(matcher.group(1)), MILLIS[unit]));
      } catch (ArithmeticException e) {
        throw invalid(text);
      }
      position = matcher.end();
    }
    return Duration.ofMillis(total);
  }

  /**
   * Formats a duration in the syntax {@link #parse} reads, e.g. 90 seconds as {@code 1m30s}; zero
   * is {@code 0s}. Sub-millisecond parts are dropped.
   *
   * @throws IllegalArgumentException for a negative duration
   */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, was " + duration);
    }
    long rest = duration.toMillis();
    if (rest == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < UNITS.length; i++) {
      long amount = rest / MILLIS[i];
      if (amount > 0) {
        out.append(amount).append(UNITS[i]);
        rest -= amount * MILLIS[i];
      }
    }
    return out.toString();
  }

  private static int unitIndex(String unit) {
    for (int i = 0; i < UNITS.length; i++) {
      if (UNITS[i].equals(unit)) {
        return i;
      }
    }
    throw new IllegalStateException("unit " + unit);
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "expected " + ACCEPTED + ", was " + (text == null ? "null" : "\"" + text + "\""));
  }
}
