package dev.tripline.handlers;

import java.time.Duration;

/**
 * What the ingest handlers report as they work, so the gateway can expose metrics without the
 * handlers depending on a metrics library. Every method defaults to a no-op; implementations must
 * be cheap and non-blocking because they are called on the event loop.
 */
public interface IngestObserver {

  /** An observer that ignores everything. */
  IngestObserver NONE = new IngestObserver() {};

  /** {@code n} new events became durable. */
  default void accepted(int n) {}

  /** {@code n} events were already stored (or repeated within their request). */
  default void duplicates(int n) {}

  /**
   * A request or frame was turned away, once per request or frame.
   *
   * @param reason one of the {@link RejectReason#tag()} values, e.g. {@code malformed_json}
   */
  default void rejected(String reason) {}

  /** How long one call to {@link IngestService#ingest} took, successful or not. */
  default void ingestLatency(Duration latency) {}

  /**
   * A request to a configured webhook source failed verification and was answered 401.
   *
   * @param source the configured source's id
   * @param reason a {@link dev.tripline.handlers.hooks.VerificationException.Reason#tag()}, e.g.
   *     {@code signature_mismatch}
   */
  default void verificationFailed(String source, String reason) {}

  /**
   * A request went past a rate limit and was answered 429.
   *
   * @param scope which limit: {@code source} or {@code ip}
   * @param source the source the request was attributed to
   */
  default void rateLimited(String scope, String source) {}
}
