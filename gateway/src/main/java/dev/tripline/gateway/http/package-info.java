/**
 * The HTTP server's edge: what one client can hold of it, and what its HTTP codec refuses.
 *
 * <p>{@link dev.tripline.gateway.http.ConnectionGuard} caps the open connections across the server
 * instances ({@code http.max-connections}, default 4096) and gives each request {@code
 * http.request-read-timeout} (default 30 s) to arrive whole, answering 408 or closing; Vert.x's
 * idle timeout ({@code http.idle-timeout}, default 60 s) closes connections on which nothing moves
 * ({@link dev.tripline.gateway.http.ConnectionLimits}). {@link
 * dev.tripline.gateway.http.CodecErrors} answers the codec's refusals (414, 431, 400) as the JSON
 * error every route answers with, and logs its failures as one WARN line at most every 10 s ({@link
 * dev.tripline.handlers.LogThrottle}). What happens is counted through {@link
 * dev.tripline.gateway.http.HttpObserver}.
 */
package dev.tripline.gateway.http;
