package dev.tripline.rules;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fires when something that should follow an event does not: a {@code start} event opens a timer
 * for its key, a {@code cancel} event for the same key closes it, and a timer still open {@code
 * after} (plus {@code grace}) fires. Cart abandonment is {@code start: add_to_cart, cancel:
 * order_completed}; inactivity is start and cancel both "any event".
 *
 * @param start the events that open (or, with {@link OnRepeatStart#RESET}, restart) a timer
 * @param cancel the events that close the key's timer
 * @param correlateBy event field paths that form the key, e.g. {@code [userId]} or {@code
 *     [properties.cartId]}; an event lacking any of them is skipped by the rule
 * @param after how long after the start (in event time) a cancel must have come, greater than zero
 * @param grace how much longer the timer waits for a late cancel (one whose event time is within
 *     {@code after} but which arrives later); the detection fires at start + after + grace
 * @param onRepeatStart what a start does to a key whose timer is already open
 */
public record AbsenceSpec(
    EventFilter start,
    EventFilter cancel,
    List<String> correlateBy,
    Duration after,
    Duration grace,
    OnRepeatStart onRepeatStart)
    implements DetectorSpec {

  /** {@code on_repeat_start}: a start for a key whose timer is open. */
  public enum OnRepeatStart {
    /** The timer restarts from the new start: the deadline moves (inactivity, "last seen"). */
    RESET,
    /** The open timer keeps its deadline; the new start is only counted. */
    IGNORE
  }

  public AbsenceSpec {
    correlateBy = List.copyOf(correlateBy);
    grace = grace == null ? Duration.ZERO : grace;
    onRepeatStart = onRepeatStart == null ? OnRepeatStart.RESET : onRepeatStart;
  }

  @Override
  public List<String> keyFields() {
    return correlateBy;
  }

  @Override
  public String kind() {
    return "absence";
  }

  @Override
  public java.util.Map<String, Set<String>> partTypes() {
    java.util.Map<String, Set<String>> parts = new java.util.LinkedHashMap<>();
    parts.put("start", start.on());
    parts.put("cancel", cancel.on());
    return parts;
  }

  /** The start and cancel types, or every type when either takes any type. */
  @Override
  public Set<String> types() {
    if (start.on().isEmpty() || cancel.on().isEmpty()) {
      return Set.of();
    }
    Set<String> types = new HashSet<>(start.on());
    types.addAll(cancel.on());
    return Set.copyOf(types);
  }
}
