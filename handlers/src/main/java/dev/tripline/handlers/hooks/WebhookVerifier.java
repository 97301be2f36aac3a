package dev.tripline.handlers.hooks;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;

/**
 * Decides whether a webhook request comes from who it claims: a provider's signature over the raw
 * body, or a static key. Implementations compare in constant time, check every configured secret
 * (two or more while rotating: any one may match) and are immutable and thread-safe.
 */
public interface WebhookVerifier {

  /**
   * Verifies one request.
   *
   * @param headers the request headers (names are case-insensitive)
   * @param body the raw body bytes, exactly as received
   * @param now the gateway's clock, for timestamped schemes
   * @throws VerificationException when the request does not verify
   */
  void verify(MultiMap headers, Buffer body, Instant now);
}
