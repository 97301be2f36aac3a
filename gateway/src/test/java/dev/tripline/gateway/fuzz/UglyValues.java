package dev.tripline.gateway.fuzz;

import static dev.tripline.gateway.fuzz.FuzzExpect.EITHER;
import static dev.tripline.gateway.fuzz.FuzzExpect.INVALID;
import static dev.tripline.gateway.fuzz.FuzzExpect.VALID;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The catalogues of ugly values the fuzz cases are made of, each with what a correct gateway must
 * make of it. {@link FuzzExpect#EITHER} marks values on which the product may reasonably decide
 * either way (e.g. year 0, leap seconds): for those only the invariants hold (no 5xx, JSON errors,
 * what is acknowledged is stored, once, unaltered).
 */
final class UglyValues {

  private UglyValues() {}

  /** A JSON literal spliced into a body as is; {@code stored} is its value once stored, if any. */
  record Literal(String text, FuzzExpect expect, Object stored) {
    byte[] bytes() {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Numbers inside {@code properties}: integers must fit 64 bits, numbers must be finite. */
  static final List<Literal> NUMBERS =
      List.of(
          new Literal("1e309", INVALID, null),
          new Literal("-1e309", INVALID, null),
          new Literal("1e999999999", INVALID, null),
          new Literal("-0", VALID, 0L),
          new Literal("-0.0", VALID, -0.0),
          new Literal("9223372036854775807", VALID, Long.MAX_VALUE),
          new Literal("-9223372036854775808", VALID, Long.MIN_VALUE),
          new Literal("9223372036854775808", INVALID, null),
          new Literal("18446744073709551616", INVALID, null),
          new Literal("-9223372036854775809", INVALID, null),
          new Literal("1e308", VALID, 1e308),
          new Literal("4.9e-324", VALID, 4.9e-324),
          new Literal("1e-400", VALID, 0.0),
          new Literal("1E+2", VALID, 100.0),
          new Literal("123456789012345678901234567890", INVALID, null),
          new Literal("9".repeat(1200), INVALID, null),
          new Literal("0." + "3".repeat(900), VALID, 0.3333333333333333),
          new Literal("1" + "0".repeat(400) + ".5", INVALID, null),
          new Literal("01", INVALID, null),
          new Literal("+1", INVALID, null),
          new Literal(".5", INVALID, null),
          new Literal("1.", INVALID, null),
          new Literal("NaN", INVALID, null),
          new Literal("-Infinity", INVALID, null),
          new Literal("0x10", INVALID, null),
          new Literal("1e", INVALID, null));

  /** How each kind of route treats a time value. */
  enum TimeRoute {
    /** {@code /v1/events}, the stream, CloudEvents {@code time}: ISO-8601 / RFC 3339 strings. */
    ISO,
    /** Segment {@code timestamp}: ISO-8601 with Segment's leniencies. */
    SEGMENT,
    /** A webhook mapping's {@code timestamp}: ISO strings, integers as Unix seconds. */
    HOOK
  }

  /** A time value: a JSON literal, and what each kind of route must make of it. */
  record Time(String literal, FuzzExpect iso, FuzzExpect segment, FuzzExpect hook) {
    FuzzExpect on(TimeRoute route) {
      return switch (route) {
        case ISO -> iso;
        case SEGMENT -> segment;
        case HOOK -> hook;
      };
    }
  }

  static final List<Time> TIMES =
      List.of(
          time("\"2025-06-01T12:00:00Z\"", VALID, VALID, VALID),
          time("\"2025-06-01T12:00:00.123456789Z\"", VALID, VALID, VALID),
          time("\"2024-02-29T23:59:59.999Z\"", VALID, VALID, VALID),
          time("\"2025-06-01T14:00:00+02:00\"", VALID, VALID, VALID),
          time("\"2025-06-01T14:00:00+0200\"", INVALID, VALID, EITHER),
          time("\"2015-2-02T00:30:08.276Z\"", INVALID, VALID, EITHER),
          time("\"-999999999-01-01T00:00:00Z\"", INVALID, INVALID, INVALID),
          time("\"+999999999-12-31T23:59:59Z\"", INVALID, INVALID, INVALID),
          time("\"-292278994-08-17T07:12:55.807Z\"", INVALID, INVALID, INVALID),
          time("\"-292278995-01-01T00:00:00Z\"", INVALID, INVALID, INVALID),
          time("\"0000-01-01T00:00:00Z\"", EITHER, EITHER, EITHER),
          time("\"0001-01-01T00:00:00Z\"", EITHER, EITHER, EITHER),
          time("\"1969-12-31T23:59:59Z\"", EITHER, EITHER, EITHER),
          time("\"9999-12-31T23:59:59Z\"", INVALID, INVALID, INVALID),
          time("\"+10000-01-01T00:00:00Z\"", INVALID, INVALID, INVALID),
          time("\"2025-06-01T24:00:00Z\"", EITHER, EITHER, EITHER),
          time("\"2016-12-31T23:59:60Z\"", EITHER, EITHER, EITHER),
          time("\"2025-06-01T12:00:00-18:00\"", EITHER, EITHER, EITHER),
          time("\"2025-06-01T12:00:00+18:01\"", INVALID, EITHER, EITHER),
          time("\"2025-02-30T00:00:00Z\"", INVALID, INVALID, INVALID),
          time("\"2025-13-01T00:00:00Z\"", INVALID, INVALID, INVALID),
          time("\"2025-06-01T12:00:00.1234567890Z\"", EITHER, EITHER, EITHER),
          time("\"2025-06-01\"", INVALID, EITHER, EITHER),
          time("\"2025-06-01T12:00:00\"", INVALID, EITHER, EITHER),
          time("\"\"", INVALID, EITHER, EITHER),
          time("\"yesterday\"", INVALID, INVALID, INVALID),
          time("\"2025-06-01T12:00:00Z\\u0000\"", INVALID, INVALID, INVALID),
          time("0", INVALID, EITHER, EITHER),
          time("1748779200", INVALID, EITHER, VALID),
          time("-1", INVALID, EITHER, EITHER),
          time("1.7487792E9", INVALID, EITHER, EITHER),
          time("9223372036854775807", INVALID, EITHER, INVALID),
          time("-9223372036854775808", INVALID, EITHER, INVALID),
          time("99999999999999999999", INVALID, EITHER, INVALID),
          time("true", INVALID, INVALID, EITHER),
          time("{}", INVALID, INVALID, EITHER));

  private static Time time(String literal, FuzzExpect iso, FuzzExpect segment, FuzzExpect hook) {
    return new Time(literal, iso, segment, hook);
  }

  /** Segment's {@code timestamp} and {@code sentAt} together: the clock-skew correction. */
  record SkewedTimes(String timestamp, String sentAt, FuzzExpect expect) {}

  static final List<SkewedTimes> SEGMENT_SKEWS =
      List.of(
          new SkewedTimes("2025-06-01T12:00:00Z", "2025-06-01T12:00:05Z", VALID),
          new SkewedTimes("-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", INVALID),
          new SkewedTimes("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", INVALID),
          new SkewedTimes("2025-06-01T12:00:00Z", "-999999999-01-01T00:00:00Z", INVALID),
          new SkewedTimes("2025-06-01T12:00:00Z", "+999999999-12-31T23:59:59Z", INVALID),
          new SkewedTimes("-999999999-01-01T00:00:00Z", "2025-06-01T12:00:00Z", INVALID),
          new SkewedTimes("-999999999-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", EITHER),
          new SkewedTimes("0000-01-01T00:00:00Z", "2025-06-01T12:00:00Z", EITHER),
          new SkewedTimes("2025-06-01T12:00:00Z", "0000-01-01T00:00:00Z", EITHER));

  /** Bytes between the quotes of a JSON string. */
  record Utf8(String name, byte[] bytes, FuzzExpect expect, String stored) {}

  static final List<Utf8> UTF8 =
      List.of(
          utf8("overlong '/' C0 AF", "C0AF", INVALID, null),
          utf8("overlong C1 BF", "C1BF", INVALID, null),
          utf8("overlong E0 80 AF", "E080AF", INVALID, null),
          utf8("encoded surrogate ED A0 80", "EDA080", INVALID, null),
          utf8("encoded surrogate ED BF BF", "EDBFBF", INVALID, null),
          utf8("beyond U+10FFFF F4 90 80 80", "F4908080", INVALID, null),
          utf8("F5 80 80 80", "F5808080", INVALID, null),
          utf8("lone continuation 80", "80", INVALID, null),
          utf8("lone continuation BF inside text", "61BF62", INVALID, null),
          utf8("truncated E2 82", "E282", INVALID, null),
          utf8("truncated emoji F0 9F 98", "F09F98", INVALID, null),
          utf8("FE", "FE", INVALID, null),
          utf8("FF", "FF", INVALID, null),
          utf8("5-byte F8 88 80 80 80", "F888808080", INVALID, null),
          utf8("truncated C3", "C3", INVALID, null),
          utf8("e acute", "C3A9", VALID, "\u00e9"),
          utf8("euro sign", "E282AC", VALID, "\u20ac"),
          utf8("emoji", "F09F9880", VALID, "\ud83d\ude00"),
          utf8("U+FFFF", "EFBFBF", VALID, "\uffff"),
          utf8("U+10FFFF", "F48FBFBF", VALID, "\udbff\udfff"),
          utf8("BOM inside a string", "EFBBBF", VALID, "\ufeff"),
          utf8("right-to-left override", "E280AE", VALID, "\u202e"));

  private static Utf8 utf8(String name, String hex, FuzzExpect expect, String stored) {
    return new Utf8(name, HexFormat.of().parseHex(hex), expect, stored);
  }

  /** A JSON string literal, escapes and all, with what must be stored. */
  static final List<Literal> STRINGS =
      List.of(
          new Literal("\"\\u0000\"", VALID, "\u0000"),
          new Literal("\"a\\u0000b\\u001b[31mred\"", VALID, "a\u0000b\u001b[31mred"),
          new Literal("\"\\r\\n\\t\\b\\f\"", VALID, "\r\n\t\b\f"),
          new Literal("\"\\u2028\\u2029\"", VALID, "\u2028\u2029"),
          new Literal("\"\\ud800\"", EITHER, "\ud800"),
          new Literal("\"\\udfff\\ud800\"", EITHER, "\udfff\ud800"),
          new Literal("\"\\uD83D\\uDE00\"", VALID, "\ud83d\ude00"),
          new Literal("\"raw\u0001control\"", INVALID, null),
          new Literal("\"raw\nnewline\"", INVALID, null),
          new Literal("\"bad escape \\x41\"", INVALID, null),
          new Literal("\"short escape \\u12\"", INVALID, null),
          new Literal("\"" + "x".repeat(20_000) + "\"", VALID, "x".repeat(20_000)));

  /** An object key inside {@code properties}, as JSON text with quotes, and its verdict. */
  record Key(String json, String name, FuzzExpect expect) {}

  static final List<Key> KEYS =
      List.of(
          new Key("\"\\u0000\"", "NUL", INVALID),
          new Key("\"a\\u0000b\"", "a NUL b", INVALID),
          new Key("\"\\u0001\\u001f\\u007f\"", "control characters", VALID),
          new Key("\"\\u001b[2J\"", "ANSI escape", VALID),
          new Key("\"\"", "empty", EITHER),
          new Key("\"$where\"", "$where", EITHER),
          new Key("\"$\"", "$", EITHER),
          new Key("\"a.b\"", "a.b", EITHER),
          new Key("\".\"", ".", EITHER),
          new Key("\"_id\"", "_id", VALID),
          new Key("\"" + "k".repeat(5_000) + "\"", "5000-character key", EITHER));
}
