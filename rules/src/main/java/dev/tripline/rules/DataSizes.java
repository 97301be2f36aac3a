package dev.tripline.rules;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as written in config files: {@code 512KiB}, {@code 1MiB}, {@code 64KB}.
 *
 * <p>Binary units ({@code KiB}, {@code MiB}, {@code GiB}) are powers of 1024, decimal ones ({@code
 * KB}, {@code MB}, {@code GB}) powers of 1000, as their standard names say, so that a limit means
 * exactly what it reads. A bare number is rejected: the unit is what tells a reader the scale.
 */
public final class DataSizes {

  /** What {@link #parse} accepts, for messages. */
  public static final String ACCEPTED =
      "a size such as 512B, 64KiB, 1MiB, 2GiB or 500KB, 10MB, 1GB (KiB = 1024 bytes, KB = 1000)";

  private static final Pattern SIZE = Pattern.compile("(\\d{1,18})(B|KiB|MiB|GiB|KB|MB|GB)");

  private DataSizes() {}

  /**
   * Parses a size into bytes.
   *
   * @throws IllegalArgumentException naming what is accepted when {@code text} is empty, negative,
   *     unitless, uses an unknown unit or overflows
   */
  public static long parse(String text) {
    if (text == null) {
      throw invalid(null);
    }
    Matcher matcher = SIZE.matcher(text.strip());
    if (!matcher.matches()) {
      throw invalid(text);
    }
    try {
      return Math.multiplyExact(Long.parseLong(matcher.group(1)), factor(matcher.group(2)));
    } catch (ArithmeticException e) {
      throw invalid(text);
    }
  }

  /**
   * Formats a byte count with the largest unit that divides it exactly, binary before decimal, e.g.
   * {@code 524288} as {@code 512KiB}, {@code 1000} as {@code 1KB}, {@code 1500} as {@code 1500B}.
   *
   * @throws IllegalArgumentException for a negative size
   */
  public static String format(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + bytes);
    }
    if (bytes == 0) {
      return "0B";
    }
    for (String unit : new String[] {"GiB", "MiB", "KiB", "GB", "MB", "KB"}) {
      long factor = factor(unit);
      if (bytes % factor == 0) {
        return bytes / factor + unit;
      }
    }
    return bytes + "B";
  }

  private static long factor(String unit) {
    return switch (unit) {
      case "B" -> 1L;
      case "KiB" -> 1L << 10;
      case "MiB" -> 1L << 20;
      case "GiB" -> 1L << 30;
      case "KB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      default -> throw new IllegalStateException("unit " + unit);
    };
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "expected " + ACCEPTED + ", was " + (text == null ? "null" : "\"" + text + "\""));
  }
}
