package dev.tripline.detectors;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sliding window and cooldown of one threshold key, as plain data.
 *
 * <p>Entries are kept in event-time order (arrival order among equal times) in a deque, because
 * events almost always arrive in order: appending and expiring are then O(1). An out-of-order
 * event, and in distinct mode a value seen again, cost O(count), which the rule bounds.
 */
final class KeyWindow {

  /** One counted event. Identity matters: the distinct index refers to exact entries. */
  static final class Entry {
    final Instant time;
    final String eventId;
    final Object value;

    Entry(Instant time, String eventId, Object value) {
      this.time = time;
      this.eventId = eventId;
      this.value = value;
    }
  }

  private final ArrayDeque<Entry> entries;

  /** The entry of each distinct value, or {@code null} when counting events. */
  private final Map<Object, Entry> byValue;

  /** Newest event time seen for this key; the window is (newest - within, newest]. */
  private Instant newest;

  /** Detections are suppressed for events before this time; {@code null} before any detection. */
  private Instant cooldownUntil;

  KeyWindow(Instant firstEventTime, boolean distinct, int initialCapacity) {
    this.entries = new ArrayDeque<>(initialCapacity);
    this.byValue = distinct ? new HashMap<>() : null;
    this.newest = firstEventTime;
  }

  /** The window as an operator sees it: how many counted, oldest and newest, cooldown. */
  java.util.Map<String, Object> describe() {
    java.util.Map<String, Object> state = new java.util.LinkedHashMap<>();
    state.put("count", size());
    if (!entries.isEmpty()) {
      state.put("oldest", entries.peekFirst().time.toString());
    }
    state.put("newest", newest.toString());
    if (cooldownUntil != null) {
      state.put("cooldownUntil", cooldownUntil.toString());
    }
    return state;
  }

  Instant newest() {
    return newest;
  }

  int size() {
    return entries.size();
  }

  /**
   * Adds an event to the window, keeping at most {@code count} entries (the newest ones) and, in
   * distinct mode, one entry per value (its newest event).
   *
   * @param value the distinct value, or {@code null} when counting events
   * @return whether the event is now counted in the window; {@code false} when it is too old for
   *     this key, when its value is already counted with a newer event, or when it is older than
   *     the {@code count} newest entries
   */
  boolean add(Instant time, String eventId, Object value, Duration within, int count) {
    if (time.isBefore(newest) && !time.isAfter(minus(newest, within))) {
      return false;
    }
    if (time.isAfter(newest)) {
      newest = time;
      expireUpTo(minus(newest, within));
    }
    Entry entry = new Entry(time, eventId, value);
    if (byValue != null) {
      Entry previous = byValue.get(value);
      if (previous != null) {
        if (!time.isAfter(previous.time)) {
          return false;
        }
        entries.removeFirstOccurrence(previous);
      }
      byValue.put(value, entry);
    }
    insertInOrder(entry);
    boolean counted = true;
    while (entries.size() > count) {
      Entry dropped = removeOldest();
      counted &= dropped != entry;
    }
    return counted;
  }

  /** Whether a detection at this event time falls in the key's cooldown. */
  boolean coolingDown(Instant time) {
    return cooldownUntil != null && time.isBefore(cooldownUntil);
  }

  /**
   * Starts the cooldown and, with {@code reset}, empties the window so that the next detection
   * needs fresh events ({@code on_fire: reset}); without it the window keeps counting ({@code
   * on_fire: keep}).
   *
   * @return the entries that were counted, oldest first
   */
  List<Entry> fire(Instant firedAt, Duration cooldown, boolean reset) {
    List<Entry> counted = new ArrayList<>(entries);
    if (reset) {
      entries.clear();
      if (byValue != null) {
        byValue.clear();
      }
    }
    cooldownUntil = plus(firedAt, cooldown);
    return counted;
  }

  private void expireUpTo(Instant cutoff) {
    while (!entries.isEmpty() && !entries.peekFirst().time.isAfter(cutoff)) {
      removeOldest();
    }
  }

  private Entry removeOldest() {
    Entry oldest = entries.pollFirst();
    if (byValue != null) {
      byValue.remove(oldest.value, oldest);
    }
    return oldest;
  }

  private void insertInOrder(Entry entry) {
    if (entries.isEmpty() || !entries.peekLast().time.isAfter(entry.time)) {
      entries.addLast(entry);
      return;
    }
    ArrayDeque<Entry> newer = new ArrayDeque<>();
    while (!entries.isEmpty() && entries.peekLast().time.isAfter(entry.time)) {
      newer.addFirst(entries.pollLast());
    }
    entries.addLast(entry);
    entries.addAll(newer);
  }

  /** {@code time - amount}, saturating instead of throwing for absurd event times. */
  static Instant minus(Instant time, Duration amount) {
    try {
      return time.minus(amount);
    } catch (DateTimeException | ArithmeticException e) {
      return Instant.MIN;
    }
  }

  /** {@code time + amount}, saturating instead of throwing for absurd event times. */
  static Instant plus(Instant time, Duration amount) {
    try {
      return time.plus(amount);
    } catch (DateTimeException | ArithmeticException e) {
      return Instant.MAX;
    }
  }
}
