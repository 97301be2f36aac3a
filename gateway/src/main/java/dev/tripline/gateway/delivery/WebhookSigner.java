package dev.tripline.gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies messages the Standard Webhooks way (v1): an HMAC-SHA256 over {@code
 * "<webhook-id>.<webhook-timestamp>.<body>"}, keyed with the base64-decoded part of a {@code
 * whsec_} secret, sent as {@code v1,<base64>}. Receivers verify with any Standard Webhooks library,
 * so this must match the reference implementations byte for byte (the test checks the spec's
 * published vector).
 *
 * <p>During a secret rotation a destination has two active secrets: {@link #sign} then gives one
 * {@code v1,<base64>} signature per secret, separated by a space, as the specification describes,
 * so a receiver still holding the old secret and one already holding the new one both verify.
 *
 * <p>Thread-safe: a {@link Mac} is created per call (cheap next to an HTTP request).
 */
public final class WebhookSigner {

  /** The prefix of a Standard Webhooks secret. */
  public static final String SECRET_PREFIX = "whsec_";

  /** How far a timestamp may be from the verifier's clock, as the reference libraries default. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final String HMAC_SHA256 = "HmacSHA256";
  private static final String VERSION = "v1";

  private final List<SecretKeySpec> keys;

  /**
   * @param secret {@code whsec_<base64>}
   * @throws IllegalArgumentException if the secret is not of that form (without echoing it)
   */
  public WebhookSigner(String secret) {
    this(List.of(secret));
  }

  /**
   * A signer for every secret in {@code secrets}, in that order (during a rotation: the current
   * secret and the next one).
   *
   * @param secrets one or more {@code whsec_<base64>} secrets
   * @throws IllegalArgumentException if there is none or one is not of that form (without echoing
   *     it)
   */
  public WebhookSigner(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("secret: is required (" + SECRET_PREFIX + "<base64>)");
    }
    List<SecretKeySpec> specs = new ArrayList<>(secrets.size());
    for (String secret : secrets) {
      byte[] bytes = decodeSecret(secret);
      if (bytes == null || bytes.length == 0) {
        throw new IllegalArgumentException(
            "secret: must start with " + SECRET_PREFIX + " and hold base64");
      }
      specs.add(new SecretKeySpec(bytes, HMAC_SHA256));
    }
    this.keys = List.copyOf(specs);
  }

  /**
   * The key bytes of a {@code whsec_<base64>} secret, or null if it does not have that form.
   * Package-private so that {@link Destination} validates with the same rule the signer applies.
   */
  static byte[] decodeSecret(String secret) {
    if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The {@code webhook-signature} header value for one message.
   *
   * @param msgId the {@code webhook-id}
   * @param timestampSeconds the {@code webhook-timestamp}, Unix seconds
   * @param body the exact body bytes sent, as UTF-8 text
   * @return {@code v1,<base64 HMAC-SHA256>}, one per secret, separated by a space
   */
  public String sign(String msgId, long timestampSeconds, String body) {
    StringJoiner signatures = new StringJoiner(" ");
    for (SecretKeySpec key : keys) {
      signatures.add(
          VERSION
              + ","
              + Base64.getEncoder().encodeToString(mac(key, msgId, timestampSeconds, body)));
    }
    return signatures.toString();
  }

  /**
   * Whether a received message is authentic and fresh, with the {@link #DEFAULT_TOLERANCE}.
   *
   * @see #verify(String, String, String, String, Instant, Duration)
   */
  public boolean verify(
      String msgId, String timestampHeader, String body, String signatureHeader, Instant now) {
    return verify(msgId, timestampHeader, body, signatureHeader, now, DEFAULT_TOLERANCE);
  }

  /**
   * Whether a received message is authentic and fresh.
   *
   * @param msgId the {@code webhook-id} header
   * @param timestampHeader the {@code webhook-timestamp} header, Unix seconds
   * @param body the raw body as received
   * @param signatureHeader the {@code webhook-signature} header: one or more space-separated {@code
   *     version,signature} pairs (several during a secret rotation); one {@code v1} signature
   *     matching one of this signer's secrets is enough
   * @param now the verifier's clock
   * @param tolerance how far the timestamp may be from {@code now}, either way (replay guard)
   */
  public boolean verify(
      String msgId,
      String timestampHeader,
      String body,
      String signatureHeader,
      Instant now,
      Duration tolerance) {
    if (msgId == null || timestampHeader == null || body == null || signatureHeader == null) {
      return false;
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(timestampHeader.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
      return false;
    }
    List<byte[]> expected = new ArrayList<>(keys.size());
    for (SecretKeySpec key : keys) {
      expected.add(mac(key, msgId, timestamp, body));
    }
    boolean matched = false;
    for (String versioned : signatureHeader.trim().split(" +")) {
      int comma = versioned.indexOf(',');
      if (comma < 0 || !versioned.substring(0, comma).equals(VERSION)) {
        continue;
      }
      byte[] candidate;
      try {
        candidate = Base64.getDecoder().decode(versioned.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      // compare every candidate, in constant time each, so timing says nothing about which matched
      for (byte[] mac : expected) {
        matched |= MessageDigest.isEqual(mac, candidate);
      }
    }
    return matched;
  }

  private static byte[] mac(SecretKeySpec key, String msgId, long timestampSeconds, String body) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(key);
      return mac.doFinal(
          (msgId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is mandatory in every JRE, and the key was accepted at construction
      throw new IllegalStateException("cannot compute HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookSigner[secret=" + SECRET_PREFIX + "***]";
  }
}
