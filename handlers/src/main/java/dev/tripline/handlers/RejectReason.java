package dev.tripline.handlers;

import java.util.Locale;

/**
 * Why an ingest request or frame was turned away, as a small closed set so that metrics keep a
 * bounded number of label values.
 */
public enum RejectReason {
  MALFORMED_JSON,
  TOO_LARGE,
  TOO_DEEP,
  TOO_MANY_EVENTS,
  INVALID_EVENT,
  UNSUPPORTED_MEDIA_TYPE,
  OVERLOADED,
  STORE_UNAVAILABLE,
  UNAUTHORIZED,
  RATE_LIMITED,
  UNKNOWN_SOURCE;

  /** The label value reported to {@link IngestObserver#rejected(String)}, e.g. {@code too_deep}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
