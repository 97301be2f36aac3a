package dev.tripline.gateway.fuzz;

import io.vertx.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * JSON text for fuzz bodies: a tree encoded by Vert.x, with placeholders ({@code "@@name@@"} as a
 * string value or key) replaced by raw bytes that no JSON library would write (invalid UTF-8, huge
 * literals, duplicate keys), and the structural facts the generators need (nesting depth at a
 * position, positions outside strings).
 */
final class FuzzJson {

  private FuzzJson() {}

  /** The placeholder for {@code name}, to put in the tree as a value or a key. */
  static String slot(String name) {
    return "@@" + name + "@@";
  }

  /** The tree's JSON, each {@code "@@name@@"} (quotes included) replaced by its splice. */
  static byte[] render(Object tree, Map<String, byte[]> splices) {
    byte[] text = Json.encode(tree).getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<String, byte[]> splice : splices.entrySet()) {
      text = replace(text, quoted(splice.getKey()), splice.getValue());
    }
    return text;
  }

  private static byte[] quoted(String name) {
    return ("\"" + slot(name) + "\"").getBytes(StandardCharsets.UTF_8);
  }

  /** {@code text} with the first occurrence of {@code target} replaced; unchanged if none. */
  static byte[] replace(byte[] text, byte[] target, byte[] replacement) {
    int at = indexOf(text, target);
    if (at < 0) {
      return text;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + replacement.length);
    out.write(text, 0, at);
    out.writeBytes(replacement);
    out.write(text, at + target.length, text.length - at - target.length);
    return out.toByteArray();
  }

  static int indexOf(byte[] text, byte[] target) {
    outer:
    for (int i = 0; i + target.length <= text.length; i++) {
      for (int j = 0; j < target.length; j++) {
        if (text[i + j] != target[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The nesting depth (open arrays and objects) just before {@code position}. */
  static int depthAt(byte[] text, int position) {
    return scanDepth(text, position, false);
  }

  /** The deepest nesting anywhere in {@code text}. */
  static int maxDepth(byte[] text) {
    return scanDepth(text, text.length, true);
  }

  private static int scanDepth(byte[] text, int position, boolean max) {
    int depth = 0;
    int deepest = 0;
    boolean inString = false;
    boolean escaped = false;
    for (int i = 0; i < position && i < text.length; i++) {
      byte b = text[i];
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
        deepest = Math.max(deepest, ++depth);
      } else if (b == '}' || b == ']') {
        depth--;
      }
    }
    return max ? deepest : depth;
  }

  /** Positions between tokens, outside every string (where a stray byte cannot alter a value). */
  static List<Integer> structuralPositions(byte[] text) {
    List<Integer> positions = new ArrayList<>();
    boolean inString = false;
    boolean escaped = false;
    for (int i = 0; i < text.length; i++) {
      byte b = text[i];
      if (!inString && (b == '{' || b == '[' || b == '}' || b == ']' || b == ',' || b == ':')) {
        positions.add(i);
        positions.add(i + 1);
      }
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
      }
    }
    return positions;
  }

  static byte[] insert(byte[] text, int position, byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + bytes.length);
    out.write(text, 0, position);
    out.writeBytes(bytes);
    out.write(text, position, text.length - position);
    return out.toByteArray();
  }

  /** A value for failure messages: its first {@code max} chars, all but printable ASCII escaped. */
  static String escape(Object value, int max) {
    String text = String.valueOf(value);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(text.length(), max); i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return text.length() > max ? out + "...(" + text.length() + " chars)" : out.toString();
  }

  /** A short printable rendering of bytes for failure messages: text, with other bytes as hex. */
  static String snippet(byte[] bytes, int max) {
    StringBuilder out = new StringBuilder();
    int shown = Math.min(bytes.length, max);
    for (int i = 0; i < shown; i++) {
      int b = bytes[i] & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '\\') {
        out.append((char) b);
      } else {
        out.append("\\x").append(HexFormat.of().toHexDigits((byte) b));
      }
    }
    if (bytes.length > max) {
      out.append("...(").append(bytes.length).append(" bytes)");
    }
    return out.toString();
  }
}
