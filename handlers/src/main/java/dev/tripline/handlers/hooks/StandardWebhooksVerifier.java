package dev.tripline.handlers.hooks;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks v1 (<a href="https://www.standardwebhooks.com/">standardwebhooks.com</a>):
 * {@code webhook-id}, {@code webhook-timestamp} (Unix seconds, within the tolerance either way) and
 * {@code webhook-signature}, one or more space-separated {@code v1,<base64>} entries, each an
 * HMAC-SHA256 of {@code "<webhook-id>.<webhook-timestamp>.<body>"} keyed with the base64-decoded
 * part of a {@code whsec_} secret. One matching entry is enough.
 */
public final class StandardWebhooksVerifier implements WebhookVerifier {

  /** The message id header; also the default delivery id for dedup. */
  public static final String ID_HEADER = "webhook-id";

  static final String TIMESTAMP_HEADER = "webhook-timestamp";
  static final String SIGNATURE_HEADER = "webhook-signature";

  /** The tolerance the specification and its reference libraries use. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final String SECRET_PREFIX = "whsec_";
  private static final String VERSION = "v1,";
  private static final byte[] DOT = {'.'};

  private final List<SecretKeySpec> keys;
  private final Duration tolerance;

  /**
   * @param secrets one or more {@code whsec_<base64>} secrets (the prefix may be left out, as the
   *     reference libraries allow)
   * @param tolerance how far {@code webhook-timestamp} may be from the gateway's clock
   * @throws IllegalArgumentException when a secret is not base64 (without echoing it)
   */
  public StandardWebhooksVerifier(List<String> secrets, Duration tolerance) {
    List<byte[]> decoded = new ArrayList<>(secrets.size());
    for (String secret : secrets) {
      decoded.add(decodeSecret(secret));
    }
    this.keys = Hmacs.keys(decoded);
    this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
  }

  /**
   * The key bytes of a secret.
   *
   * @throws IllegalArgumentException when it is not {@code whsec_} and base64 (without echoing it)
   */
  public static byte[] decodeSecret(String secret) {
    String encoded =
        secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
    try {
      byte[] key = Base64.getDecoder().decode(encoded);
      if (key.length == 0) {
        throw new IllegalArgumentException();
      }
      return key;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be " + SECRET_PREFIX + " followed by base64");
    }
  }

  @Override
  public void verify(MultiMap headers, Buffer body, Instant now) {
    String id = required(headers, ID_HEADER);
    String timestamp = required(headers, TIMESTAMP_HEADER);
    String signatures = required(headers, SIGNATURE_HEADER);
    Hmacs.requireFresh(TIMESTAMP_HEADER, timestamp, now, tolerance);
    List<byte[]> candidates = new ArrayList<>();
    for (String entry : signatures.trim().split(" +")) {
      if (entry.startsWith(VERSION)) {
        try {
          candidates.add(Base64.getDecoder().decode(entry.substring(VERSION.length())));
        } catch (IllegalArgumentException e) {
          // not base64: cannot match; other entries may
        }
      }
    }
    if (candidates.isEmpty()) {
      throw VerificationException.malformedHeader(SIGNATURE_HEADER, "no v1 signature");
    }
    List<byte[]> expected =
        Hmacs.signAll(
            keys, Hmacs.utf8(id), DOT, Hmacs.utf8(timestamp.trim()), DOT, body.getBytes());
    if (!Hmacs.anyMatch(expected, candidates)) {
      throw VerificationException.mismatch(SIGNATURE_HEADER);
    }
  }

  private static String required(MultiMap headers, String name) {
    String value = headers.get(name);
    if (value == null || value.isBlank()) {
      throw VerificationException.missingHeader(name);
    }
    return value;
  }

  @Override
  public String toString() {
    return "StandardWebhooksVerifier[tolerance=" + tolerance + "]";
  }
}
