package dev.tripline.handlers.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The write keys the HTTP and WebSocket APIs accept, each bound to the source its events are
 * attributed to (as a Segment write key is bound to a Segment source).
 *
 * <p>Keys are held only as SHA-256 digests and looked up by digest, so neither a heap dump nor the
 * timing of a lookup gives a key away. With no keys configured, access is open (the demo default);
 * with any, every request must present one.
 */
public final class WriteKeys {

  private static final WriteKeys NONE = new WriteKeys(Map.of());

  private final Map<String, String> sourceByDigest;

  private WriteKeys(Map<String, String> sourceByDigest) {
    this.sourceByDigest = Map.copyOf(sourceByDigest);
  }

  /** No keys: open access. */
  public static WriteKeys none() {
    return NONE;
  }

  /**
   * @param sourceByKey each key and the source id it is bound to
   */
  public static WriteKeys of(Map<String, String> sourceByKey) {
    Map<String, String> byDigest = new HashMap<>();
    sourceByKey.forEach(
        (key, source) ->
            byDigest.put(digest(Objects.requireNonNull(key)), Objects.requireNonNull(source)));
    return new WriteKeys(byDigest);
  }

  /** Whether requests must present a key. */
  public boolean required() {
    return !sourceByDigest.isEmpty();
  }

  /** The source a key is bound to, or empty for an unknown (or {@code null}) key. */
  public Optional<String> sourceOf(String key) {
    return key == null || key.isEmpty()
        ? Optional.empty()
        : Optional.ofNullable(sourceByDigest.get(digest(key)));
  }

  private static String digest(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
