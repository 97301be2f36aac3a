package dev.tripline.handlers;

import io.vertx.core.buffer.Buffer;

/**
 * Refuses a JSON body whose {@code \\u} escapes name half a character: a high surrogate ({@code
 * \\uD800}–{@code \\uDBFF}) not followed by a low one, or a low one ({@code \\uDC00}–{@code
 * \\uDFFF}) on its own. JSON allows such escapes in its grammar, but they are no Unicode text (RFC
 * 8259 §8.2): the parser lets them through and BSON's UTF-8 writes each as {@code U+FFFD}, so what
 * is stored would silently differ from what was sent. The check {@link Utf8} does for raw bytes,
 * done for escapes.
 *
 * <p>One pass, eight bytes at a time while none is a backslash. A backslash outside a string, or an
 * escape that is not one, is left for the parser to report.
 */
final class UnicodeEscapes {

  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long LOW_BITS = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private UnicodeEscapes() {}

  /**
   * @throws IngestRejection 400 ({@link RejectReason#MALFORMED_JSON}) naming the escape and its
   *     byte offset (from 0)
   */
  static void requirePaired(Buffer body) {
    int at = firstUnpaired(body);
    if (at >= 0) {
      throw new IngestRejection(
          RejectReason.MALFORMED_JSON,
          400,
          "body: unpaired surrogate escape \\u"
              + body.getString(at + 2, at + 6)
              + " at byte "
              + at
              + ": JSON strings must be Unicode text");
    }
  }

  /** The offset of the backslash of the first unpaired surrogate escape, or -1. */
  static int firstUnpaired(Buffer body) {
    int length = body.length();
    int i = 0;
    while (i < length) {
      if (i + Long.BYTES <= length && !hasBackslash(body.getLong(i))) {
        i += Long.BYTES;
        continue;
      }
      if (body.getByte(i) != '\\') {
        i++;
        continue;
      }
      if (i + 1 >= length || body.getByte(i + 1) != 'u') {
        i += 2; // \" \\ \n ...: one escaped character, whatever it is
        continue;
      }
      int unit = hex4(body, i + 2);
      if (isHigh(unit)) {
        boolean lowFollows =
            i + 12 <= length
                && body.getByte(i + 6) == '\\'
                && body.getByte(i + 7) == 'u'
                && isLow(hex4(body, i + 8));
        if (!lowFollows) {
          return i;
        }
        i += 12;
      } else if (isLow(unit)) {
        return i;
      } else {
        i += 2;
      }
    }
    return -1;
  }

  private static boolean hasBackslash(long word) {
    long x = word ^ BACKSLASHES; // a zero byte where a backslash was
    return ((x - LOW_BITS) & ~x & HIGH_BITS) != 0;
  }

  private static boolean isHigh(int unit) {
    return unit >= 0xD800 && unit <= 0xDBFF;
  }

  private static boolean isLow(int unit) {
    return unit >= 0xDC00 && unit <= 0xDFFF;
  }

  /**
   * The value of four hex digits at {@code from}, or -1 when they are not (the parser says why).
   */
  private static int hex4(Buffer body, int from) {
    if (from + 4 > body.length()) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < from + 4; i++) {
      int digit = Character.digit(body.getByte(i), 16);
      if (digit < 0) {
        return -1;
      }
      value = value * 16 + digit;
    }
    return value;
  }
}
