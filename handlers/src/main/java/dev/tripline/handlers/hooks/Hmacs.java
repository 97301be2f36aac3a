package dev.tripline.handlers.hooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 and the constant-time comparisons the verifiers share. */
final class Hmacs {

  private static final String HMAC_SHA256 = "HmacSHA256";

  private Hmacs() {}

  /** Keys from secrets used as their UTF-8 bytes (GitHub, Stripe, Shopify, generic HMAC). */
  static List<SecretKeySpec> utf8Keys(List<String> secrets) {
    List<byte[]> bytes = new ArrayList<>(secrets.size());
    secrets.forEach(secret -> bytes.add(secret.getBytes(StandardCharsets.UTF_8)));
    return keys(bytes);
  }

  static List<SecretKeySpec> keys(List<byte[]> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("secrets: at least one is required");
    }
    List<SecretKeySpec> keys = new ArrayList<>(secrets.size());
    for (byte[] secret : secrets) {
      if (secret.length == 0) {
        throw new IllegalArgumentException("secrets: must not be empty");
      }
      keys.add(new SecretKeySpec(secret, HMAC_SHA256));
    }
    return List.copyOf(keys);
  }

  /** HMAC-SHA256 over the concatenation of {@code parts}. */
  static byte[] sign(SecretKeySpec key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(key);
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is mandatory in every JRE, and every key was accepted at construction
      throw new IllegalStateException("cannot compute HmacSHA256", e);
    }
  }

  /** The HMAC of {@code parts} under each key, in key order. */
  static List<byte[]> signAll(List<SecretKeySpec> keys, byte[]... parts) {
    List<byte[]> macs = new ArrayList<>(keys.size());
    for (SecretKeySpec key : keys) {
      macs.add(sign(key, parts));
    }
    return macs;
  }

  /**
   * Whether any candidate equals any expected value. Every pair is compared, each in constant time,
   * so the time taken says nothing about which secret or which candidate matched.
   */
  static boolean anyMatch(List<byte[]> expected, List<byte[]> candidates) {
    boolean matched = false;
    for (byte[] candidate : candidates) {
      for (byte[] value : expected) {
        matched |= MessageDigest.isEqual(value, candidate);
      }
    }
    return matched;
  }

  /**
   * Checks a Unix-seconds timestamp header against the clock, either way (a replay guard).
   *
   * @throws VerificationException when it is not a number or lies outside the tolerance
   */
  static void requireFresh(String header, String value, Instant now, Duration tolerance) {
    long seconds;
    try {
      seconds = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw VerificationException.malformedHeader(header, "must be Unix seconds");
    }
    if (!within(seconds, now.getEpochSecond(), tolerance.toSeconds())) {
      throw new VerificationException(
          VerificationException.Reason.TIMESTAMP_OUTSIDE_TOLERANCE,
          "timestamp outside tolerance of " + tolerance.toSeconds() + "s",
          header);
    }
  }

  /**
   * Whether {@code seconds} lies within {@code tolerance} of {@code now}, either way. Without
   * overflow: {@code now - seconds} wraps for values such as {@code now + Long.MIN_VALUE}, and
   * {@code Math.abs} of the wrapped {@code Long.MIN_VALUE} is negative, i.e. "fresh".
   */
  static boolean within(long seconds, long now, long tolerance) {
    try {
      return Math.absExact(Math.subtractExact(now, seconds)) <= tolerance;
    } catch (ArithmeticException e) {
      return false; // further apart than a long can say
    }
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
