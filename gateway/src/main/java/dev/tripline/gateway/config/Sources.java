package dev.tripline.gateway.config;

import dev.tripline.handlers.access.RateLimit;
import dev.tripline.handlers.access.WriteKeys;
import dev.tripline.handlers.hooks.HookSource;
import java.util.List;
import java.util.Map;

/**
 * The inbound sources of the sources file, validated: the webhook sources served at {@code POST
 * /hooks/{id}}, the write keys of the HTTP API with the source each is bound to, and each source's
 * rate limit.
 *
 * @param hooks the {@code kind: webhook} sources, in file order
 * @param sourceByWriteKey every write key of the {@code kind: api} sources and its source id
 * @param rateLimits the rate limit of each source that has one
 * @param apiMaxBodyBytes the body limit of each {@code kind: api} source that sets {@code
 *     max_body_size}
 */
public record Sources(
    List<HookSource> hooks,
    Map<String, String> sourceByWriteKey,
    Map<String, RateLimit> rateLimits,
    Map<String, Integer> apiMaxBodyBytes) {

  private static final Sources NONE = new Sources(List.of(), Map.of(), Map.of(), Map.of());

  public Sources {
    hooks = List.copyOf(hooks);
    sourceByWriteKey = Map.copyOf(sourceByWriteKey);
    rateLimits = Map.copyOf(rateLimits);
    apiMaxBodyBytes = Map.copyOf(apiMaxBodyBytes);
  }

  /** No sources: open access, no webhook sources, no limits. */
  public static Sources none() {
    return NONE;
  }

  /** The write keys; none (open access) when no {@code kind: api} source has any. */
  public WriteKeys writeKeys() {
    return sourceByWriteKey.isEmpty() ? WriteKeys.none() : WriteKeys.of(sourceByWriteKey);
  }

  /** How many sources of each kind, for logs. */
  public int size() {
    return hooks.size() + (int) sourceByWriteKey.values().stream().distinct().count();
  }

  /** Never prints a write key. */
  @Override
  public String toString() {
    return "Sources[hooks="
        + hooks.stream().map(HookSource::id).toList()
        + ", api="
        + sourceByWriteKey.values().stream().distinct().sorted().toList()
        + ", rateLimits="
        + rateLimits
        + "]";
  }
}
