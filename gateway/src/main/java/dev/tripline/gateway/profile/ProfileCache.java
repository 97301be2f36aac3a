package dev.tripline.gateway.profile;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The profiles detection reads, held in memory so that enriching an event costs no MongoDB round
 * trip in the common case: at most {@code maxUsers} users, least recently used evicted, each entry
 * reloaded once older than {@code expiry}.
 *
 * <p>Kept current by the gateway's own {@code identify} calls, which put the profile MongoDB
 * returned after their update. Users without a profile are cached too (as absent), so their events
 * do not query MongoDB each time. Every stored profile carries a version that each update
 * increments: an entry is only replaced by a newer version (or when it has expired), so a load that
 * started before an update cannot put the older profile back. The expiry bounds how long a change
 * made elsewhere (another gateway, an operator) takes to be seen.
 *
 * <p>Thread-safe: HTTP event loops write, the detection path reads. Operations are short and run
 * under one lock.
 */
public final class ProfileCache {

  /**
   * One user's cached lookup.
   *
   * @param profile the profile as rules see it, or {@code null} when the user has none
   * @param version the stored version ({@code 0} for none)
   * @param cachedAt when it was cached, for the expiry
   */
  public record Entry(Map<String, Object> profile, long version, Instant cachedAt) {}

  private final int maxUsers;
  private final Duration expiry;
  private final InstantSource clock;
  private final LinkedHashMap<String, Entry> entries;

  /**
   * @param maxUsers most users held
   * @param expiry how long an entry is served before it is loaded again
   */
  public ProfileCache(int maxUsers, Duration expiry, InstantSource clock) {
    if (maxUsers < 1) {
      throw new IllegalArgumentException("maxUsers: must be >= 1, was " + maxUsers);
    }
    this.maxUsers = maxUsers;
    this.expiry = Objects.requireNonNull(expiry, "expiry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > ProfileCache.this.maxUsers;
          }
        };
  }

  /** The user's entry if cached and not expired, else {@code null} (the caller loads it). */
  public synchronized Entry fresh(String userId) {
    Entry entry = entries.get(userId);
    return entry == null || expired(entry) ? null : entry;
  }

  /**
   * Caches what the store holds for a user, unless a newer version is cached already.
   *
   * @param profile the profile, or {@code null} when the user has none
   * @param version its stored version, {@code 0} for none
   */
  public synchronized void offer(String userId, Map<String, Object> profile, long version) {
    Entry current = entries.get(userId);
    if (current == null || version >= current.version() || expired(current)) {
      entries.put(userId, new Entry(profile, version, clock.instant()));
    }
  }

  /** Users held. */
  public synchronized int size() {
    return entries.size();
  }

  private boolean expired(Entry entry) {
    return !clock.instant().isBefore(entry.cachedAt().plus(expiry));
  }
}
