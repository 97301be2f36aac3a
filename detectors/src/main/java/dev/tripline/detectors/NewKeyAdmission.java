package dev.tripline.detectors;

import dev.tripline.rules.Event;
import dev.tripline.rules.NewKeyRate;
import dev.tripline.rules.NewKeys;
import dev.tripline.rules.Rule;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A rule's admission of new keys ({@code new_keys}): an event may open state for a key the rule
 * holds nothing for only if it passes the admission filter ({@code on}, {@code where}) and, with a
 * {@code rate}, takes a token from a bucket on the engine's clock (full at start). An event that
 * does not pass the filter opens nothing and is not reported (an anonymous page view, say); one
 * past the rate is reported ({@link EngineObserver#keyRefused}). Either way its key stays out, and
 * the key's next event asks again.
 *
 * <p>Not thread-safe: owned by one detector, see {@link Detector}.
 */
final class NewKeyAdmission {

  private final Rule rule;
  private final InstantSource clock;
  private final EngineObserver observer;
  private NewKeys newKeys = NewKeys.ANY;
  private double tokens;
  private Instant refilledAt;

  NewKeyAdmission(Rule rule, InstantSource clock, EngineObserver observer) {
    this.rule = rule;
    this.clock = clock;
    this.observer = observer;
    limit(rule.newKeys());
  }

  /**
   * Whether the event may open state for its key, which the rule holds nothing for: {@link
   * #passes}, then {@link #takeToken}.
   */
  boolean admit(Event event) {
    return passes(event) && takeToken(event);
  }

  /** Whether the event passes the admission filter; nothing is reported when it does not. */
  boolean passes(Event event) {
    return Conditions.matches(rule, newKeys.admit(), event, observer, "new_keys");
  }

  /** Takes a token for the event's key if the rate allows one now; reports it if not. */
  boolean takeToken(Event event) {
    if (newKeys.rate().isEmpty()) {
      return true;
    }
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    observer.keyRefused(rule, event, KeyRefusal.NEW_KEY_RATE);
    return false;
  }

  /**
   * Takes the {@code new_keys} of a reloaded rule whose definition is unchanged ({@code new_keys}
   * is not part of it): the tokens already in the bucket stay, up to the new burst; a rate where
   * there was none starts full.
   */
  void limit(NewKeys next) {
    NewKeyRate previous = newKeys.rate().orElse(null);
    if (previous != null) {
      refill(); // the time so far counts at the old rate
    }
    newKeys = next;
    NewKeyRate rate = next.rate().orElse(null);
    if (rate == null) {
      return;
    }
    if (previous == null) {
      tokens = rate.burst();
      refilledAt = clock.instant();
    } else {
      tokens = Math.min(tokens, rate.burst());
    }
  }

  private void refill() {
    NewKeyRate rate = newKeys.rate().orElseThrow();
    Instant now = clock.instant();
    if (now.isAfter(refilledAt)) {
      double seconds = (now.toEpochMilli() - refilledAt.toEpochMilli()) / 1000.0;
      tokens = Math.min(rate.burst(), tokens + seconds * rate.perSecond());
      refilledAt = now;
    }
  }
}
