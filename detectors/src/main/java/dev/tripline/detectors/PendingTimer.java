package dev.tripline.detectors;

import java.time.Instant;
import java.util.List;

/**
 * The in-memory form of a {@link TimerState}, kept small because a rule may hold a million: times
 * as epoch milliseconds, and the slot it occupies in its {@link TimerQueue}'s heap.
 */
final class PendingTimer {

  final List<Object> key;
  long startedAtMillis;
  long dueMillis;
  long lastEventAtMillis;
  List<String> eventIds;
  int count;

  /** The newest event's summary, or null (a timer restored from before summaries existed). */
  EventSummary latest;

  /** Index in the owning queue's heap; -1 when not queued. */
  int slot = -1;

  PendingTimer(
      List<Object> key,
      long startedAtMillis,
      long dueMillis,
      List<String> eventIds,
      EventSummary latest) {
    this.key = key;
    this.latest = latest;
    this.startedAtMillis = startedAtMillis;
    this.dueMillis = dueMillis;
    this.lastEventAtMillis = startedAtMillis;
    this.eventIds = eventIds;
    this.count = 1;
  }

  static PendingTimer of(TimerState state) {
    PendingTimer timer =
        new PendingTimer(
            state.key(),
            state.startedAt().toEpochMilli(),
            state.due().toEpochMilli(),
            state.eventIds(),
            state.latest());
    timer.count = state.count();
    timer.lastEventAtMillis = state.lastEventAt().toEpochMilli();
    return timer;
  }

  Instant startedAt() {
    return Instant.ofEpochMilli(startedAtMillis);
  }

  Instant due() {
    return Instant.ofEpochMilli(dueMillis);
  }

  TimerState state() {
    return new TimerState(
        key, startedAt(), due(), eventIds, count, Instant.ofEpochMilli(lastEventAtMillis), latest);
  }
}
