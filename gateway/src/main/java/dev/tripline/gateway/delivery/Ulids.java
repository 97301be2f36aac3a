package dev.tripline.gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/**
 * Deterministic ULIDs (https://github.com/ulid/spec) for APIs that deduplicate events on one
 * (Customer.io): the 48-bit time is the given instant's epoch milliseconds, the 80 "random" bits
 * are the start of SHA-256 over a seed, so the same delivery always gets the same ULID.
 */
final class Ulids {

  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final int TIME_CHARS = 10;
  private static final int LENGTH = 26;

  private Ulids() {}

  /** The 26-character ULID of {@code time} and {@code seed}. */
  static String of(Instant time, String seed) {
    char[] out = new char[LENGTH];
    long millis = time.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
    for (int i = TIME_CHARS - 1; i >= 0; i--) {
      out[i] = CROCKFORD[(int) (millis & 31)];
      millis >>>= 5;
    }
    byte[] hash = sha256(seed.getBytes(StandardCharsets.UTF_8));
    // 80 bits = 16 characters of 5 bits, from the first 10 bytes
    int buffer = 0;
    int bits = 0;
    int next = TIME_CHARS;
    for (int i = 0; i < 10; i++) {
      buffer = (buffer << 8) | (hash[i] & 0xff);
      bits += 8;
      while (bits >= 5) {
        out[next++] = CROCKFORD[(buffer >>> (bits - 5)) & 31];
        bits -= 5;
      }
    }
    return new String(out);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
    }
  }
}
