package dev.tripline.gateway.http;

/** What the HTTP server's edge reports, for metrics. Called on event loops: must not block. */
public interface HttpObserver {

  /** A connection was closed at once because {@code http.max-connections} were open. */
  void connectionRefused();

  /** A connection was closed because its request did not arrive within the read timeout. */
  void requestTimedOut();

  /**
   * The HTTP codec could not read a request; {@code reason} is {@code line_too_long}, {@code
   * headers_too_large} or {@code malformed}.
   */
  void malformedRequest(String reason);
}
