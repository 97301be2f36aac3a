package dev.tripline.handlers;

/**
 * Makes a client-controlled value safe to put in a log line. A request path, a header, an event id
 * or an error message quoting one can hold control characters: a newline forges a log line, an ANSI
 * escape ({@code ESC [ 31 m}) recolours or rewrites the operator's terminal. Every control
 * character (C0, DEL, C1) and the Unicode line and paragraph separators are written as an escape
 * ({@code \n}, {@code \r}, {@code \t}, else a backslash, {@code u} and four hex digits). Used for
 * every such value a log line prints.
 */
public final class LogText {

  private LogText() {}

  /** {@code value} as text with its control characters escaped; {@code "null"} for null. */
  public static String escape(Object value) {
    String text = String.valueOf(value);
    int i = 0;
    while (i < text.length() && !needsEscape(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> escaped.append("\\n");
        case '\r' -> escaped.append("\\r");
        case '\t' -> escaped.append("\\t");
        default -> {
          if (needsEscape(c)) {
            escaped.append(String.format("\\u%04x", (int) c));
          } else {
            escaped.append(c);
          }
        }
      }
    }
    return escaped.toString();
  }

  private static boolean needsEscape(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }
}
