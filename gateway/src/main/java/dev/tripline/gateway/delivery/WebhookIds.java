package dev.tripline.gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Derives the {@code webhook-id} of a delivery from the detection and the destination, so that a
 * retry, a replay or a second submission of the same detection is recognisably the same message to
 * the receiver (which deduplicates on it), and the outbox can use it as its key.
 */
public final class WebhookIds {

  private static final String PREFIX = "msg_";
  private static final int LENGTH = 26; // 130 bits of SHA-256: collisions are not a concern
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private WebhookIds() {}

  /**
   * {@code msg_} followed by 26 lowercase base32 characters of SHA-256 over both ids.
   *
   * @param detectionId the detection's deterministic id
   * @param destinationId the destination's configured id
   */
  public static String of(String detectionId, String destinationId) {
    // length-prefixed so that ("ab", "c") and ("a", "bc") do not hash alike
    String input = detectionId.length() + ":" + detectionId + ":" + destinationId;
    return PREFIX + base32(sha256(input.getBytes(StandardCharsets.UTF_8)), LENGTH);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
    }
  }

  private static String base32(byte[] bytes, int chars) {
    StringBuilder out = new StringBuilder(chars);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < bytes.length && out.length() < chars; i++) {
      buffer = (buffer << 8) | (bytes[i] & 0xff);
      bits += 8;
      while (bits >= 5 && out.length() < chars) {
        out.append(BASE32[(buffer >>> (bits - 5)) & 0x1f]);
        bits -= 5;
      }
    }
    return out.toString();
  }
}
