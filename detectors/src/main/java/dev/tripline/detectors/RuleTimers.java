package dev.tripline.detectors;

import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a timed rule (absence, sequence) keeps besides its logic: the pending timers, due-time
 * ordered ({@link TimerQueue}) and bounded by {@link DetectorLimits#maxTimersPerRule()}, new keys
 * admitted as the rule's {@code new_keys} allows ({@link NewKeyAdmission}), every change journaled
 * to the observer so the gateway can persist it, and the per-key cooldowns that outlive the timers.
 *
 * <p>Not thread-safe: owned by one detector, see {@link Detector}.
 */
final class RuleTimers {

  private final Rule rule;
  private final EngineObserver observer;
  private final int maxTimers;
  private final Duration cooldown;
  private final TimerQueue queue = new TimerQueue();
  private final KeyedStates<Cooldown> cooldowns;
  private final NewKeyAdmission newKeys;

  RuleTimers(
      Rule rule,
      InstantSource clock,
      DetectorLimits limits,
      EngineObserver observer,
      Duration cooldown) {
    this.rule = rule;
    this.observer = observer;
    this.maxTimers = limits.maxTimersPerRule();
    this.cooldown = cooldown;
    this.cooldowns = new KeyedStates<>(rule, limits, observer, c -> c.until, Duration.ZERO);
    this.newKeys = new NewKeyAdmission(rule, clock, observer);
  }

  /** The rule's admission of new keys. */
  NewKeyAdmission newKeys() {
    return newKeys;
  }

  /** The key's pending timer, or null. */
  PendingTimer get(List<Object> key) {
    return queue.get(key);
  }

  /** Pending timers. */
  int size() {
    return queue.size();
  }

  /** Notes the event time of an event the rule took (it moves the cooldowns' idle horizon). */
  void observe(Instant time) {
    cooldowns.observe(time);
  }

  /** Drops a few cooldowns that can no longer hold anything back. */
  void expireIdle() {
    cooldowns.expireIdle();
  }

  /**
   * Adds the timer of a key that has none, or refuses it (reported): when the rule holds its most
   * timers, or when the key is new to the rule and {@code new_keys} does not admit it.
   *
   * @param newKey whether the rule held nothing for the key before this event; a key whose timer
   *     the same event just cancelled or settled is not new
   */
  void open(PendingTimer timer, Event event, boolean newKey) {
    if (newKey && !newKeys.passes(event)) {
      return;
    }
    if (queue.size() >= maxTimers) {
      observer.keyRefused(rule, event, KeyRefusal.MAX_TIMERS);
      return;
    }
    if (newKey && !newKeys.takeToken(event)) {
      return;
    }
    queue.add(timer);
    saved(timer);
  }

  /** Journals a change of a pending timer; call {@link #rescheduled} first if its due moved. */
  void saved(PendingTimer timer) {
    observer.timerSaved(rule, timer.state());
  }

  /** Reorders a pending timer whose {@code dueMillis} changed. */
  void rescheduled(PendingTimer timer) {
    queue.rescheduled(timer);
  }

  /** Removes a pending timer (cancelled, completed, settled) and journals it. */
  void remove(PendingTimer timer) {
    queue.remove(timer.key);
    observer.timerRemoved(rule, timer.key);
  }

  /**
   * Removes every timer due at {@code now}, in due order, and collects what {@code fire} makes of
   * each.
   */
  List<Detection> fireDue(Instant now, Function<PendingTimer, Optional<Detection>> fire) {
    long nowMillis = now.toEpochMilli();
    List<Detection> detections = List.of();
    for (PendingTimer timer = queue.pollDue(nowMillis);
        timer != null;
        timer = queue.pollDue(nowMillis)) {
      observer.timerRemoved(rule, timer.key);
      Optional<Detection> detection = fire.apply(timer);
      if (detection.isPresent()) {
        if (detections.isEmpty()) {
          detections = new ArrayList<>();
        }
        detections.add(detection.get());
      }
    }
    return detections;
  }

  /**
   * Puts back a persisted timer, replacing its key's.
   *
   * @throws IllegalStateException when the rule already holds its most timers
   */
  void restore(TimerState state) {
    if (queue.remove(state.key()) == null && queue.size() >= maxTimers) {
      throw new IllegalStateException(
          RuleLabel.of(rule) + ": holds " + maxTimers + " timers, cannot restore more");
    }
    queue.add(PendingTimer.of(state));
  }

  /** Every pending timer's state, in no particular order. */
  List<TimerState> states() {
    List<TimerState> all = new ArrayList<>(queue.size());
    queue.forEach(timer -> all.add(timer.state()));
    return all;
  }

  /** The pending timer of the key whose values read as {@code text}; a scan, for operators. */
  Optional<PendingTimer> find(List<String> text) {
    PendingTimer[] found = {null};
    queue.forEach(
        timer -> {
          if (GroupKeys.matches(timer.key, text)) {
            found[0] = timer;
          }
        });
    return Optional.ofNullable(found[0]);
  }

  /** Until when the key whose values read as {@code text} is cooling down, if it is. */
  Optional<Instant> coolingUntil(List<String> text) {
    return Optional.ofNullable(cooldowns.find(text)).map(c -> c.until);
  }

  /**
   * Whether a detection of the key at event time {@code at} may fire: not while the key cools down.
   * When it may, the key's cooldown starts at {@code at}.
   */
  boolean mayFire(List<Object> key, Instant at) {
    Cooldown cooling = cooldowns.get(key);
    if (cooling != null && at.isBefore(cooling.until)) {
      return false;
    }
    if (cooling == null) {
      cooling = cooldowns.admit(key, new Cooldown());
    }
    cooling.until = KeyWindow.plus(at, cooldown);
    return true;
  }

  /** A key's cooldown: no detection whose time is before {@code until}. */
  private static final class Cooldown {
    Instant until = Instant.MIN;
  }
}
