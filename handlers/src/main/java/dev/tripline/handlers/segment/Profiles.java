package dev.tripline.handlers.segment;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where {@code identify} calls go: the user profiles that rules see as {@code event.profile}.
 * Implementations make the updates durable before the returned future succeeds; only then may the
 * call be acknowledged.
 */
public interface Profiles {

  /** Profiles that keep nothing (for tests and tools that do not need them). */
  Profiles NONE = updates -> Future.succeededFuture();

  /**
   * Merges each update into its user's profile (creating it), durably.
   *
   * @param updates at most one per user
   * @return completes once every update is durable; fails when the store failed or timed out
   */
  Future<Void> identify(List<ProfileUpdate> updates);
}
