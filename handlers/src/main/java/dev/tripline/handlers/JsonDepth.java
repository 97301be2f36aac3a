package dev.tripline.handlers;

import io.vertx.core.buffer.Buffer;

/**
 * Rejects JSON nested deeper than a limit before it is parsed, so a hostile body of a million
 * {@code [} cannot make the parser recurse or allocate its way through the event loop.
 *
 * <p>A single pass counting {@code [} and {@code {} outside strings (honouring backslash escapes).
 * Byte-wise scanning is safe on UTF-8: no byte of a multi-byte character is an ASCII bracket, quote
 * or backslash. Malformed JSON is left for the parser to report.
 */
public final class JsonDepth {

  private JsonDepth() {}

  /**
   * @throws IngestRejection 400 ({@link RejectReason#TOO_DEEP}) when {@code body} nests deeper than
   *     {@code maxDepth}
   */
  public static void requireAtMost(Buffer body, int maxDepth) {
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    int length = body.length();
    for (int i = 0; i < length; i++) {
      byte b = body.getByte(i);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (b == '\\') {
          escaped = true;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '{' || b == '[') {
        if (++depth > maxDepth) {
          throw tooDeep(maxDepth);
        }
      } else if (b == '}' || b == ']') {
        depth--;
      }
    }
  }

  /** As {@link #requireAtMost(Buffer, int)}, for a text WebSocket message. */
  public static void requireAtMost(CharSequence text, int maxDepth) {
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (++depth > maxDepth) {
          throw tooDeep(maxDepth);
        }
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
  }

  private static IngestRejection tooDeep(int maxDepth) {
    return new IngestRejection(
        RejectReason.TOO_DEEP,
        400,
        "JSON too deep: nesting exceeds maxJsonDepth " + maxDepth + " levels");
  }
}
