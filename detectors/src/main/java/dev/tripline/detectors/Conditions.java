package dev.tripline.detectors;

import dev.tripline.rules.Condition;
import dev.tripline.rules.ConditionException;
import dev.tripline.rules.Event;
import dev.tripline.rules.EventFilter;
import dev.tripline.rules.Rule;

/**
 * Evaluates a rule's conditions with failures contained: a condition that fails on an event (a
 * missing map key without {@code has()}, say) means "no match", is reported to the observer, and
 * never stops the other rules.
 */
final class Conditions {

  private Conditions() {}

  /**
   * @param part what the condition is, for the report: {@code where}, {@code
   *     detect.absence.start.where}, ...
   */
  static boolean test(
      Rule rule, Condition condition, Event event, EngineObserver observer, String part) {
    try {
      return condition.test(event);
    } catch (ConditionException e) {
      observer.conditionFailed(rule, event, e);
    } catch (RuntimeException e) {
      observer.conditionFailed(
          rule,
          event,
          new ConditionException(
              RuleLabel.of(rule) + ": " + part + ": failed on event " + event.id(), e));
    }
    return false;
  }

  /** Whether the filter takes the event: its types, then its {@code where}, contained. */
  static boolean matches(
      Rule rule, EventFilter filter, Event event, EngineObserver observer, String part) {
    return filter.takesType(event.type())
        && test(rule, filter.where(), event, observer, part + ".where");
  }
}
