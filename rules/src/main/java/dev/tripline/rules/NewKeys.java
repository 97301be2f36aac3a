package dev.tripline.rules;

import java.util.Objects;
import java.util.Optional;

/**
 * A rule's {@code new_keys}: which events may open state for a key the rule holds nothing for (no
 * pending timer, no window), and how fast. Keys the rule already holds are never held back. It
 * bounds what a flood of made-up keys (one {@code userId} per forged event) can cost: only events
 * that pass {@code admit} open a key, at most at {@code rate}; the others open nothing, and those
 * past the rate are counted as refused.
 *
 * <p>Not part of a rule's definition: a reload that changes it keeps the rule's state (the keys
 * held stay valid whatever the admission of new ones).
 *
 * @param admit the events that may open a key ({@code on}, {@code where}); {@link EventFilter#ANY}
 *     when not given
 * @param rate how fast keys may be opened; empty for no limit
 */
public record NewKeys(EventFilter admit, Optional<NewKeyRate> rate) {

  /** Every event may open a key, at any pace: a rule without {@code new_keys}. */
  public static final NewKeys ANY = new NewKeys(EventFilter.ANY, Optional.empty());

  public NewKeys {
    Objects.requireNonNull(admit, "admit");
    rate = rate == null ? Optional.empty() : rate;
  }

  /** Any event, at most at {@code rate}. */
  public static NewKeys at(NewKeyRate rate) {
    return new NewKeys(EventFilter.ANY, Optional.of(rate));
  }
}
