package dev.tripline.detectors;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A pending timer of one rule and key, as it is persisted and restored: what an absence rule waits
 * for after a start, or a sequence rule's progress until it times out.
 *
 * @param key the correlation key values, in the rule's {@code correlate_by} order
 * @param startedAt event time the timer counts from (the latest start of an absence rule; the first
 *     step of a sequence)
 * @param due when the timer fires, compared with the engine's clock
 * @param eventIds the events behind the timer, oldest first: an absence rule's first and latest
 *     start, a sequence's step events
 * @param count how many starts an absence timer has seen; for a sequence, the steps done
 * @param lastEventAt event time of the newest event behind the timer (an absence rule's latest
 *     start, a sequence's latest step), never before {@code startedAt}: a sequence takes its next
 *     step only from an event at or after it
 * @param latest a bounded summary of that newest event, for the detection the timer may fire; null
 *     for a timer persisted before summaries existed
 */
public record TimerState(
    List<Object> key,
    Instant startedAt,
    Instant due,
    List<String> eventIds,
    int count,
    Instant lastEventAt,
    EventSummary latest) {

  public TimerState {
    key = List.copyOf(key);
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(due, "due");
    eventIds = List.copyOf(eventIds);
    Objects.requireNonNull(lastEventAt, "lastEventAt");
    if (lastEventAt.isBefore(startedAt)) {
      throw new IllegalArgumentException(
          "lastEventAt: must not be before startedAt " + startedAt + ", was " + lastEventAt);
    }
  }

  /** A timer without an event summary. */
  public TimerState(
      List<Object> key,
      Instant startedAt,
      Instant due,
      List<String> eventIds,
      int count,
      Instant lastEventAt) {
    this(key, startedAt, due, eventIds, count, lastEventAt, null);
  }

  /** A timer whose newest event is the one it started from. */
  public TimerState(
      List<Object> key, Instant startedAt, Instant due, List<String> eventIds, int count) {
    this(key, startedAt, due, eventIds, count, startedAt);
  }
}
