package dev.tripline.rules;

import java.util.Set;

/**
 * Which events a part of a detector takes (an absence rule's {@code start} and {@code cancel}, a
 * sequence's steps): events of the types in {@code on} (any type when empty) that pass {@code
 * where}.
 *
 * @param on event types; empty means every type
 * @param where a filter; {@link Condition#ALWAYS} when absent
 * @param whereSource the CEL text of {@code where}, or empty, for versions and messages
 */
public record EventFilter(Set<String> on, Condition where, String whereSource) {

  /** Takes every event. */
  public static final EventFilter ANY = new EventFilter(Set.of(), Condition.ALWAYS, "");

  public EventFilter {
    on = Set.copyOf(on);
    where = where == null ? Condition.ALWAYS : where;
    whereSource = whereSource == null ? "" : whereSource.strip();
  }

  /** Whether the event's type is one this filter takes; {@code where} is not evaluated. */
  public boolean takesType(String type) {
    return on.isEmpty() || on.contains(type);
  }

  /**
   * Whether the filter takes the event: its type, then its {@code where}.
   *
   * @throws ConditionException when {@code where} fails to evaluate
   */
  public boolean matches(Event event) {
    return takesType(event.type()) && where.test(event);
  }

  /** A canonical text of what the filter takes, for rule versions. */
  String canonical() {
    return "{on=" + new java.util.TreeSet<>(on) + ",where=" + whereSource + "}";
  }
}
