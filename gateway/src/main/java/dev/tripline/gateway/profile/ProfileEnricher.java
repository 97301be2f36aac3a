package dev.tripline.gateway.profile;

import dev.tripline.handlers.LogText;
import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins each durable event with its user's profile ({@link Event#profile()}) before detection sees
 * it, in order and without blocking.
 *
 * <p>Events whose users are all in the {@link ProfileCache} pass straight through. For the others
 * the missing users are loaded in one query per batch, asynchronously; batches behind it wait their
 * turn so that detection still sees events in the order they became durable. A load that fails or
 * times out does not hold detection up: those events go on without profiles, and the failure is
 * logged. Events without a userId, and users without a profile, get none: {@code
 * has(event.profile)} is false for them.
 *
 * <p>Not thread-safe: call {@link #accept} from one context (the write path's), which is also where
 * the loads complete.
 */
public final class ProfileEnricher implements Consumer<List<Event>> {

  private static final Logger LOG = LoggerFactory.getLogger(ProfileEnricher.class);

  private final ProfileCache cache;
  private final Function<Collection<String>, Future<Map<String, Map<String, Object>>>> loader;
  private final Consumer<List<Event>> next;
  private final Runnable onLoadFailure;
  private Future<Void> tail = Future.succeededFuture();

  /**
   * @param loader loads users into the cache, returning the profiles found
   * @param next receives the enriched events, in order (the detection pipeline)
   * @param onLoadFailure told of each failed load (metrics)
   */
  public ProfileEnricher(
      ProfileCache cache,
      Function<Collection<String>, Future<Map<String, Map<String, Object>>>> loader,
      Consumer<List<Event>> next,
      Runnable onLoadFailure) {
    this.cache = Objects.requireNonNull(cache, "cache");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.next = Objects.requireNonNull(next, "next");
    this.onLoadFailure = Objects.requireNonNull(onLoadFailure, "onLoadFailure");
  }

  @Override
  public void accept(List<Event> events) {
    Set<String> missing = new LinkedHashSet<>();
    for (Event event : events) {
      if (event.userId() != null && cache.fresh(event.userId()) == null) {
        missing.add(event.userId());
      }
    }
    if (missing.isEmpty() && tail.isComplete()) {
      next.accept(enrich(events, Map.of()));
      return;
    }
    Future<Map<String, Map<String, Object>>> loaded =
        missing.isEmpty() ? Future.succeededFuture(Map.of()) : load(missing);
    Promise<Void> done = Promise.promise();
    Future<Void> previous = tail;
    tail = done.future();
    previous.onComplete(
        p ->
            loaded.onComplete(
                l -> {
                  try {
                    next.accept(enrich(events, l.succeeded() ? l.result() : Map.of()));
                  } finally {
                    done.complete();
                  }
                }));
  }

  private Future<Map<String, Map<String, Object>>> load(Set<String> userIds) {
    Future<Map<String, Map<String, Object>>> loaded;
    try {
      loaded = loader.apply(userIds);
    } catch (RuntimeException e) {
      loaded = Future.failedFuture(e);
    }
    return loaded.onFailure(
        failure -> {
          onLoadFailure.run();
          LOG.warn(
              "failed to load profiles, detecting without them [users: {}, error: {}]",
              userIds.size(),
              LogText.escape(failure));
        });
  }

  /** The events with their users' profiles: from the cache, else from what was just loaded. */
  private List<Event> enrich(List<Event> events, Map<String, Map<String, Object>> loaded) {
    List<Event> enriched = null;
    for (int i = 0; i < events.size(); i++) {
      Event event = events.get(i);
      if (event.userId() == null) {
        continue;
      }
      ProfileCache.Entry entry = cache.fresh(event.userId());
      Map<String, Object> profile = entry != null ? entry.profile() : loaded.get(event.userId());
      if (profile != null) {
        if (enriched == null) {
          enriched = new ArrayList<>(events);
        }
        enriched.set(i, event.withProfile(profile));
      }
    }
    return enriched == null ? events : enriched;
  }
}
