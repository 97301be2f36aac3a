package dev.tripline.detectors;

import dev.tripline.rules.ConditionException;
import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
import java.util.ArrayList;
import java.util.List;

/** Remembers what the engine reported, for assertions. */
final class RecordingObserver implements EngineObserver {

  record Failure(String ruleId, String eventId, ConditionException failure) {}

  final List<Failure> failures = new ArrayList<>();
  int evicted;
  int expired;

  @Override
  public void conditionFailed(Rule rule, Event event, ConditionException failure) {
    failures.add(new Failure(rule.id(), event.id(), failure));
  }

  @Override
  public void keysEvicted(Rule rule, int n) {
    evicted += n;
  }

  @Override
  public void keysExpired(Rule rule, int n) {
    expired += n;
  }
}
