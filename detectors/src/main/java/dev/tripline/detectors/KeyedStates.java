package dev.tripline.detectors;

import dev.tripline.rules.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/**
 * The per-key state of one rule, with bounded memory: at most {@link
 * DetectorLimits#maxKeysPerRule()} keys, evicting the least recently used one (reported through
 * {@link EngineObserver#keysEvicted}), and idle keys dropped lazily from the least recently used
 * end, a few per call (reported through {@link EngineObserver#keysExpired}). A key is idle when its
 * newest event is older than the rule's newest event minus the detector's idle horizon: it can
 * neither count nor suppress anything any more.
 *
 * <p>Not thread-safe: owned by one detector, see {@link Detector}.
 *
 * @param <S> the state a detector keeps per key
 */
final class KeyedStates<S> {

  /**
   * The most idle keys dropped per call of {@link #expireIdle}, so that no event pays for a large
   * backlog. An event adds at most one key, so expiry still outpaces growth.
   */
  static final int MAX_EXPIRIES_PER_CALL = 8;

  private final Rule rule;
  private final int maxKeys;
  private final EngineObserver observer;
  private final Function<S, Instant> newestOf;
  private final Duration idleAfter;

  /** Newest event time seen by the rule; {@code null} before the first event. */
  private Instant newest;

  /** Access-ordered, so that the eldest entry is the least recently used key. */
  private final LinkedHashMap<List<Object>, S> keys = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * @param newestOf the event time of a state's newest event, which decides when it is idle
   * @param idleAfter how far behind the rule's newest event a key's newest may fall before it is
   *     idle
   */
  KeyedStates(
      Rule rule,
      DetectorLimits limits,
      EngineObserver observer,
      Function<S, Instant> newestOf,
      Duration idleAfter) {
    this.rule = rule;
    this.maxKeys = limits.maxKeysPerRule();
    this.observer = observer;
    this.newestOf = newestOf;
    this.idleAfter = idleAfter;
  }

  /** Notes the event time of an event the rule took, which moves the idle horizon forward. */
  void observe(Instant time) {
    if (newest == null || time.isAfter(newest)) {
      newest = time;
    }
  }

  /** The key's state, or {@code null}; marks the key as recently used. */
  S get(List<Object> key) {
    return keys.get(key);
  }

  /** Adds a new key's state, making room first: idle keys go, then the least recently used one. */
  S admit(List<Object> key, S state) {
    if (keys.size() >= maxKeys) {
      expireIdle();
    }
    if (keys.size() >= maxKeys) {
      Iterator<S> leastRecentlyUsed = keys.values().iterator();
      leastRecentlyUsed.next();
      leastRecentlyUsed.remove();
      observer.keysEvicted(rule, 1);
    }
    keys.put(key, state);
    return state;
  }

  /** Drops idle keys from the least recently used end, stopping at the first live one. */
  void expireIdle() {
    if (newest == null) {
      return;
    }
    Instant idleBefore = KeyWindow.minus(newest, idleAfter);
    int expired = 0;
    Iterator<S> leastRecentlyUsed = keys.values().iterator();
    while (expired < MAX_EXPIRIES_PER_CALL && leastRecentlyUsed.hasNext()) {
      if (!newestOf.apply(leastRecentlyUsed.next()).isBefore(idleBefore)) {
        break;
      }
      leastRecentlyUsed.remove();
      expired++;
    }
    if (expired > 0) {
      observer.keysExpired(rule, expired);
    }
  }

  /**
   * The state of the key whose values read as {@code text}, without marking it as used; a scan, for
   * operators' questions, not for the event path.
   */
  S find(List<String> text) {
    for (var entry : keys.entrySet()) {
      if (GroupKeys.matches(entry.getKey(), text)) {
        return entry.getValue();
      }
    }
    return null;
  }

  int size() {
    return keys.size();
  }
}
