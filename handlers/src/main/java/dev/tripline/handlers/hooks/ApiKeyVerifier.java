package dev.tripline.handlers.hooks;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A static key in a header, for providers that sign nothing: {@code X-Api-Key: <key>}, or {@code
 * Authorization: Bearer <key>} with a prefix. It proves who sent the request, not that the body is
 * intact, so prefer a signing scheme where the provider offers one. Keys are held and compared as
 * SHA-256 digests, so neither their length nor their content shows in the time a comparison takes.
 */
public final class ApiKeyVerifier implements WebhookVerifier {

  /** The header when none is configured. */
  public static final String DEFAULT_HEADER = "x-api-key";

  private final String header;
  private final String prefix;
  private final List<byte[]> digests;

  /**
   * @param header the header that carries the key
   * @param prefix what precedes the key in it, e.g. {@code Bearer }; empty for nothing
   * @param keys one or more accepted keys (several while rotating)
   */
  public ApiKeyVerifier(String header, String prefix, List<String> keys) {
    this.header = header.toLowerCase(Locale.ROOT);
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("secrets: at least one is required");
    }
    List<byte[]> digests = new ArrayList<>(keys.size());
    for (String key : keys) {
      if (key.isEmpty()) {
        throw new IllegalArgumentException("secrets: must not be empty");
      }
      digests.add(digest(key));
    }
    this.digests = List.copyOf(digests);
  }

  @Override
  public void verify(MultiMap headers, Buffer body, Instant now) {
    String value = headers.get(header);
    if (value == null || value.isBlank()) {
      throw VerificationException.missingHeader(header);
    }
    if (!value.startsWith(prefix)) {
      throw VerificationException.malformedHeader(header, "must start with " + prefix.trim());
    }
    if (!Hmacs.anyMatch(digests, List.of(digest(value.substring(prefix.length()).trim())))) {
      throw new VerificationException(
          VerificationException.Reason.KEY_MISMATCH, "api key mismatch", header);
    }
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "ApiKeyVerifier[header=" + header + "]";
  }
}
