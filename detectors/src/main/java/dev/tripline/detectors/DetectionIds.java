package dev.tripline.detectors;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Deterministic detection ids, so that a replayed or re-processed detection is recognisably the
 * same one downstream (webhook ids are derived from it).
 *
 * <p>Each part is length-prefixed before hashing, so that no two different inputs share an
 * encoding. Key values are hashed as text, non-strings tagged with their type. Not thread-safe: it
 * reuses one digest, like the detector that owns it.
 */
final class DetectionIds {

  private static final int ID_HEX_CHARS = 24;

  private final MessageDigest sha256;

  DetectionIds() {
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** {@code det_} and the first 24 hex digits of SHA-256 over the provenance of a detection. */
  String idFor(String ruleId, String ruleVersion, Map<String, Object> key, List<String> eventIds) {
    sha256.reset();
    update(ruleId);
    update(ruleVersion);
    updateLength(key.size());
    for (Map.Entry<String, Object> part : key.entrySet()) {
      update(part.getKey());
      update(typed(part.getValue()));
    }
    updateLength(eventIds.size());
    for (String eventId : eventIds) {
      update(eventId);
    }
    return "det_" + HexFormat.of().formatHex(sha256.digest()).substring(0, ID_HEX_CHARS);
  }

  /**
   * A key value as hashed: a string as itself, any other value tagged with its type, so that the
   * typed keys {@code 1} and {@code "1"} give different ids (string keys keep the ids they had).
   */
  private static String typed(Object value) {
    if (value instanceof String text) {
      return text;
    }
    String tag =
        value instanceof Number ? "number:" : value instanceof Boolean ? "boolean:" : "other:";
    return "\u0000" + tag + value;
  }

  private void update(String part) {
    byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
    updateLength(bytes.length);
    sha256.update(bytes);
  }

  private void updateLength(int length) {
    sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(length).array());
  }
}
