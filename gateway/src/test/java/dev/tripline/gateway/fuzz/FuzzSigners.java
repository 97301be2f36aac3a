package dev.tripline.gateway.fuzz;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures for the fuzz's webhook sources, made at send time over the final body (so that ugly
 * bodies reach the mapper), and the forged and malformed variants that must be refused.
 */
final class FuzzSigners {

  /** The {@code standard-webhooks} source's secret. */
  static final String SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  /** The {@code hmac} source's secret. */
  static final String ACME_SECRET = "acme-secret";

  private FuzzSigners() {}

  /** Headers that sign {@code body} at {@code nowSeconds}. */
  @FunctionalInterface
  interface Signer {
    List<Map.Entry<String, String>> sign(byte[] body, long nowSeconds);
  }

  /** Standard Webhooks, signed correctly. */
  static Signer standard(String webhookId) {
    return (body, now) -> standardHeaders(webhookId, Long.toString(now), body, SW_SECRET, "v1,");
  }

  /** Standard Webhooks with a forged or malformed signature, named for failure messages. */
  record Forgery(String name, Signer signer) {}

  static List<Forgery> standardForgeries(String id) {
    String other = "whsec_QUFBQUFBQUFBQUFBQUFBQQ==";
    return List.of(
        new Forgery(
            "signed with another secret",
            (body, now) -> standardHeaders(id, Long.toString(now), body, other, "v1,")),
        new Forgery(
            "signature of another body",
            (body, now) ->
                standardHeaders(
                    id, Long.toString(now), "{\"type\":\"x\"}".getBytes(), SW_SECRET, "v1,")),
        new Forgery(
            "timestamp an hour old",
            (body, now) -> standardHeaders(id, Long.toString(now - 3600), body, SW_SECRET, "v1,")),
        new Forgery(
            "timestamp Long.MAX_VALUE",
            (body, now) ->
                standardHeaders(id, Long.toString(Long.MAX_VALUE), body, SW_SECRET, "v1,")),
        new Forgery(
            "timestamp Long.MIN_VALUE",
            (body, now) ->
                standardHeaders(id, Long.toString(Long.MIN_VALUE), body, SW_SECRET, "v1,")),
        new Forgery(
            "timestamp 1e10", (body, now) -> standardHeaders(id, "1e10", body, SW_SECRET, "v1,")),
        new Forgery(
            "empty timestamp", (body, now) -> standardHeaders(id, "", body, SW_SECRET, "v1,")),
        new Forgery(
            "v2 signature scheme",
            (body, now) -> standardHeaders(id, Long.toString(now), body, SW_SECRET, "v2,")),
        new Forgery(
            "signature not base64",
            (body, now) ->
                List.of(
                    Map.entry("webhook-id", id),
                    Map.entry("webhook-timestamp", Long.toString(now)),
                    Map.entry("webhook-signature", "v1,!!!not*base64!!!"))),
        new Forgery(
            "400 wrong signatures",
            (body, now) ->
                List.of(
                    Map.entry("webhook-id", id),
                    Map.entry("webhook-timestamp", Long.toString(now)),
                    Map.entry(
                        "webhook-signature",
                        "v1,QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE= ".repeat(400).trim()))),
        new Forgery(
            "no webhook-signature",
            (body, now) ->
                List.of(
                    Map.entry("webhook-id", id),
                    Map.entry("webhook-timestamp", Long.toString(now)))),
        new Forgery(
            "no webhook-id",
            (body, now) ->
                standardHeaders(id, Long.toString(now), body, SW_SECRET, "v1,").subList(1, 3)));
  }

  private static List<Map.Entry<String, String>> standardHeaders(
      String id, String timestamp, byte[] body, String secret, String prefix) {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    byte[] signed = concat((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
    String signature = prefix + Base64.getEncoder().encodeToString(hmac(key, signed));
    return List.of(
        Map.entry("webhook-id", id),
        Map.entry("webhook-timestamp", timestamp),
        Map.entry("webhook-signature", signature));
  }

  /** The {@code hmac} source: {@code X-Acme-Signature: hmac-sha256=<base64>} over the body. */
  static Signer acme() {
    return acme(ACME_SECRET, "hmac-sha256=");
  }

  static Signer acme(String secret, String prefix) {
    return (body, now) ->
        List.of(
            Map.entry(
                "X-Acme-Signature",
                prefix
                    + Base64.getEncoder()
                        .encodeToString(hmac(secret.getBytes(StandardCharsets.UTF_8), body))));
  }

  static List<Forgery> acmeForgeries() {
    return List.of(
        new Forgery("signed with another secret", acme("not-the-secret", "hmac-sha256=")),
        new Forgery("sha256= prefix instead of hmac-sha256=", acme(ACME_SECRET, "sha256=")),
        new Forgery("no signature header", (body, now) -> List.of()),
        new Forgery(
            "signature not base64",
            (body, now) -> List.of(Map.entry("X-Acme-Signature", "hmac-sha256=%%%"))),
        new Forgery(
            "empty signature",
            (body, now) -> List.of(Map.entry("X-Acme-Signature", "hmac-sha256="))));
  }

  private static byte[] hmac(byte[] key, byte[] content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
