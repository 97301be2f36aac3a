package dev.tripline.handlers;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Parses event timestamps: ISO-8601 instants as {@link DateTimeFormatter#ISO_INSTANT} reads them,
 * with a fast path for the form nearly every client sends, UTC with {@code Z} ({@code
 * 2026-11-21T10:30:00Z}, {@code 2026-11-21T10:30:00.123Z}, up to nine fraction digits).
 *
 * <p>Why: on single-event ingest the formatter's general parser (a field map per call, then
 * resolving) was the largest cost of turning a request into an event in JFR profiles. The fast path
 * accepts only strings the formatter accepts and gives the same instant ({@code TimestampsTest}
 * checks both on random and edge-case inputs); anything else, offsets such as {@code +02:00}
 * included, goes to the formatter, whose errors are the errors.
 */
final class Timestamps {

  private static final int SHORTEST = "2026-11-21T10:30:00Z".length();

  private Timestamps() {}

  /**
   * The instant a timestamp names.
   *
   * @throws DateTimeParseException when it is not an ISO-8601 instant
   */
  static Instant parse(String text) {
    Instant fast = utc(text);
    return fast != null ? fast : DateTimeFormatter.ISO_INSTANT.parse(text, Instant::from);
  }

  /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with valid fields, or null for anything else. */
  static Instant utc(String s) {
    int n = s.length();
    if (n < SHORTEST
        || n > SHORTEST + 10
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || s.charAt(n - 1) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return null; // 24:00 and leap seconds: the formatter's rules
    }
    int nanos = 0;
    if (n > SHORTEST) {
      int fractionDigits = n - SHORTEST - 1;
      if (s.charAt(19) != '.' || fractionDigits < 1) {
        return null;
      }
      int fraction = digits(s, 20, 20 + fractionDigits);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction;
      for (int i = fractionDigits; i < 9; i++) {
        nanos *= 10;
      }
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null; // e.g. February 30th: let the formatter word the error
    }
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal value of {@code s[from, to)}, or -1 unless every char is an ASCII digit. */
  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
