package dev.tripline.handlers.hooks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs test requests the way each provider documents it, independently of the verifiers. */
final class Signing {

  private Signing() {}

  static byte[] hmac(byte[] key, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(String secret, String content) {
    return HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), content));
  }

  static String base64(String secret, String content) {
    return Base64.getEncoder()
        .encodeToString(hmac(secret.getBytes(StandardCharsets.UTF_8), content));
  }

  /** GitHub's {@code X-Hub-Signature-256} value. */
  static String github(String secret, String body) {
    return "sha256=" + hex(secret, body);
  }

  /** Shopify's {@code X-Shopify-Hmac-Sha256} value. */
  static String shopify(String secret, String body) {
    return base64(secret, body);
  }

  /** Stripe's {@code Stripe-Signature} value with one {@code v1} per secret. */
  static String stripe(long timestamp, String body, String... secrets) {
    StringBuilder header = new StringBuilder("t=").append(timestamp);
    for (String secret : secrets) {
      header.append(",v1=").append(hex(secret, timestamp + "." + body));
    }
    return header.toString();
  }

  /** A Standard Webhooks {@code webhook-signature} entry. */
  static String standard(String whsec, String id, long timestamp, String body) {
    byte[] key = Base64.getDecoder().decode(whsec.substring("whsec_".length()));
    return "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + timestamp + "." + body));
  }
}
