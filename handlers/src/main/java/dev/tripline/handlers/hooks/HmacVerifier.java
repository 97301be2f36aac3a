package dev.tripline.handlers.hooks;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HMAC-SHA256 of the raw body in one header, hex or base64, optionally behind a prefix: GitHub's
 * {@code X-Hub-Signature-256: sha256=<hex>}, Shopify's {@code X-Shopify-Hmac-Sha256: <base64>}, or
 * any provider that signs the same way. Secrets are used as their UTF-8 bytes.
 */
public final class HmacVerifier implements WebhookVerifier {

  /** How the header writes the HMAC. */
  public enum Encoding {
    HEX,
    BASE64;

    /** The configuration name, e.g. {@code hex}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** GitHub's header. */
  public static final String GITHUB_HEADER = "x-hub-signature-256";

  /** Shopify's header. */
  public static final String SHOPIFY_HEADER = "x-shopify-hmac-sha256";

  private final String header;
  private final Encoding encoding;
  private final String prefix;
  private final List<SecretKeySpec> keys;

  /**
   * @param header the header that carries the HMAC
   * @param encoding how it is written
   * @param prefix what precedes it in the header, e.g. {@code sha256=}; empty for nothing
   * @param secrets one or more secrets (several while rotating)
   */
  public HmacVerifier(String header, Encoding encoding, String prefix, List<String> secrets) {
    this.header = header.toLowerCase(Locale.ROOT);
    this.encoding = Objects.requireNonNull(encoding, "encoding");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.keys = Hmacs.utf8Keys(secrets);
  }

  /** GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}. */
  public static HmacVerifier github(List<String> secrets) {
    return new HmacVerifier(GITHUB_HEADER, Encoding.HEX, "sha256=", secrets);
  }

  /** Shopify: {@code X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>}. */
  public static HmacVerifier shopify(List<String> secrets) {
    return new HmacVerifier(SHOPIFY_HEADER, Encoding.BASE64, "", secrets);
  }

  @Override
  public void verify(MultiMap headers, Buffer body, Instant now) {
    String value = headers.get(header);
    if (value == null || value.isBlank()) {
      throw VerificationException.missingHeader(header);
    }
    value = value.trim();
    if (!value.startsWith(prefix)) {
      throw VerificationException.malformedHeader(header, "must start with " + prefix);
    }
    byte[] candidate;
    try {
      String encoded = value.substring(prefix.length());
      candidate =
          encoding == Encoding.HEX
              ? HexFormat.of().parseHex(encoded)
              : Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw VerificationException.malformedHeader(header, "must be " + encoding.wireName());
    }
    if (!Hmacs.anyMatch(Hmacs.signAll(keys, body.getBytes()), List.of(candidate))) {
      throw VerificationException.mismatch(header);
    }
  }

  @Override
  public String toString() {
    return "HmacVerifier[header=" + header + ", encoding=" + encoding.wireName() + "]";
  }
}
