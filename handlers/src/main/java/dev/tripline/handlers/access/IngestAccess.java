package dev.tripline.handlers.access;

import dev.tripline.handlers.HttpException;
import dev.tripline.handlers.RateLimitedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Who may send events, and how fast: the one gate in front of every ingest route ({@code
 * /v1/events}, {@code /v1/stream}, the Segment-compatible API, CloudEvents, {@code
 * /hooks/{source}}).
 *
 * <p>API routes present a write key ({@link #presentedKey(HttpServerRequest)}); the key decides the
 * source the events are attributed to. Configured webhook sources authenticate by signature instead
 * and only pass the rate limits ({@link #admitSource}). Thread-safe.
 */
public final class IngestAccess {

  private static final String BASIC = "basic ";
  private static final String BEARER = "bearer ";

  private final WriteKeys keys;
  private final RateLimiter limits;
  private final Map<String, Integer> maxBodyBytes;

  public IngestAccess(WriteKeys keys, RateLimiter limits) {
    this(keys, limits, Map.of());
  }

  /**
   * @param maxBodyBytes the body limit of each API source that has its own (at most {@code
   *     ingest.max-body-size}, which bounds every body read)
   */
  public IngestAccess(WriteKeys keys, RateLimiter limits, Map<String, Integer> maxBodyBytes) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.maxBodyBytes = Map.copyOf(maxBodyBytes);
  }

  /** Open access and no limits: what the gateway runs with when nothing is configured. */
  public static IngestAccess open() {
    return new IngestAccess(WriteKeys.none(), RateLimiter.NONE);
  }

  /** Whether API requests must present a write key. */
  public boolean keyRequired() {
    return keys.required();
  }

  /**
   * Admits an API request.
   *
   * @param presentedKey the write key the client presented, or {@code null}
   * @param clientIp the resolved client address, or {@code null}
   * @param openSource the source to attribute events to when access is open
   * @return the source the request's events are attributed to: the key's, or {@code openSource}
   *     when no keys are configured
   * @throws HttpException 401 when a key is required and missing or unknown
   * @throws RateLimitedException 429 past a rate limit
   */
  public String admit(String presentedKey, String clientIp, String openSource) {
    String source;
    if (keys.required()) {
      if (presentedKey == null || presentedKey.isEmpty()) {
        throw new HttpException(401, "write key required", "authorization", null);
      }
      source =
          keys.sourceOf(presentedKey)
              .orElseThrow(
                  () -> new HttpException(401, "unknown write key", "authorization", null));
    } else {
      source = openSource;
    }
    admitSource(source, clientIp);
    return source;
  }

  /**
   * The body limit of an admitted source's requests, when it has one of its own.
   *
   * @param source a source {@link #admit} returned
   */
  public OptionalInt maxBodyBytes(String source) {
    Integer limit = source == null ? null : maxBodyBytes.get(source);
    return limit == null ? OptionalInt.empty() : OptionalInt.of(limit);
  }

  /**
   * Applies the rate limits of a source that authenticated some other way (a signature).
   *
   * @throws RateLimitedException 429 past a rate limit
   */
  public void admitSource(String source, String clientIp) {
    Duration wait = limits.acquire(source, clientIp);
    if (wait != null) {
      throw new RateLimitedException("rate limit exceeded for source " + source, wait);
    }
  }

  /**
   * The write key a request presents: the user of HTTP Basic authentication (as Segment's SDKs send
   * it, password empty) or a Bearer token.
   *
   * @return the key, or {@code null} when the request presents none
   */
  public static String presentedKey(HttpServerRequest request) {
    return keyFromAuthorization(request.getHeader(HttpHeaders.AUTHORIZATION));
  }

  /**
   * The write key in an {@code Authorization} header value.
   *
   * @return the key, or {@code null} when the value is absent or neither Basic nor Bearer
   */
  public static String keyFromAuthorization(String authorization) {
    if (authorization == null) {
      return null;
    }
    String lower = authorization.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith(BEARER)) {
      String token = authorization.substring(BEARER.length()).trim();
      return token.isEmpty() ? null : token;
    }
    if (lower.startsWith(BASIC)) {
      try {
        String decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
                StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        return user.isEmpty() ? null : user;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }
}
