package dev.tripline.handlers.hooks;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A configured third-party webhook source, served at {@code POST /hooks/{id}}: who may post to it
 * ({@link #verifier()}), how its payload becomes a canonical event ({@link #mapping()}), and how
 * large a body it may send.
 *
 * @param id the source id, {@code [A-Za-z0-9._-]{1,64}}; the canonical event's {@code source}
 * @param scheme the verification scheme, for logs and metrics
 * @param verifier checks each request's signature or key
 * @param mapping turns a verified payload into the canonical event
 * @param maxBodyBytes the largest body accepted; larger bodies get 413
 */
public record HookSource(
    String id, Scheme scheme, WebhookVerifier verifier, EventMapping mapping, int maxBodyBytes) {

  /** What a source id may look like: the canonical event's {@code source}. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public HookSource {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id: must match " + ID.pattern() + ", was " + id);
    }
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(verifier, "verifier");
    Objects.requireNonNull(mapping, "mapping");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes: must be > 0, was " + maxBodyBytes);
    }
  }
}
