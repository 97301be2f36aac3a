package dev.tripline.gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Standard Webhooks verifier written from the specification, independent of {@link
 * WebhookSigner}: the signed content is {@code id.timestamp.body}, the key the base64 after {@code
 * whsec_}, and {@code webhook-signature} a space-separated list of {@code v1,<base64>} of which one
 * must match.
 */
final class SpecVerifier {

  private SpecVerifier() {}

  /** Whether one of the header's {@code v1} signatures was made with {@code secret}. */
  static boolean verifies(
      String secret, String msgId, String timestamp, String body, String signatureHeader) {
    byte[] expected = hmac(secret, msgId + "." + timestamp + "." + body);
    for (String part : signatureHeader.split(" ")) {
      String[] versioned = part.split(",", 2);
      if (versioned.length == 2
          && versioned[0].equals("v1")
          && MessageDigest.isEqual(expected, Base64.getDecoder().decode(versioned[1]))) {
        return true;
      }
    }
    return false;
  }

  private static byte[] hmac(String secret, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
