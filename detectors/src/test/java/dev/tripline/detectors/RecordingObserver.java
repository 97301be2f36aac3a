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

  /** Timer journal calls, in order: {@code saved [key] due} or {@code removed [key]}. */
  final List<String> timerCalls = new ArrayList<>();

  /** Ids of the events whose start was refused for lack of room. */
  final List<String> refused = new ArrayList<>();

  /** Ids of the events of new keys refused by the rule's new_keys rate. */
  final List<String> rateRefused = new ArrayList<>();

  /** Every state passed to {@link #timerSaved}, in order. */
  final List<TimerState> saved = new ArrayList<>();

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

  @Override
  public void timerSaved(Rule rule, TimerState timer) {
    timerCalls.add("saved " + timer.key() + " " + timer.due());
    saved.add(timer);
  }

  @Override
  public void timerRemoved(Rule rule, List<Object> key) {
    timerCalls.add("removed " + key);
  }

  @Override
  public void keyRefused(Rule rule, Event event, KeyRefusal reason) {
    (reason == KeyRefusal.MAX_TIMERS ? refused : rateRefused).add(event.id());
  }
}
