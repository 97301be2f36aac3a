package dev.tripline.gateway.backtest;

import dev.tripline.detectors.Detection;
import dev.tripline.detectors.DetectionEngine;
import dev.tripline.detectors.DetectorLimits;
import dev.tripline.detectors.EngineObserver;
import dev.tripline.detectors.KeyRefusal;
import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.delivery.SimulatedCaps;
import dev.tripline.rules.ConditionException;
import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
import dev.tripline.rules.RuleSet;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rule set replayed: a fresh {@link DetectionEngine} over its rules, and what each rule would
 * have done. Nothing is stored or sent. Single-threaded, like the engine.
 */
final class RuleSetReplay {

  private final String name;
  private final DetectionEngine engine;
  private final Map<String, Tally> tallies = new LinkedHashMap<>();

  private final SimulatedCaps caps;

  /**
   * @param destinations the configured destinations, whose frequency caps apply to the webhook
   *     count, in detection time
   */
  RuleSetReplay(
      String name,
      RuleSet rules,
      InstantSource clock,
      DetectorLimits limits,
      Map<String, Destination> destinations) {
    this.name = name;
    this.caps = new SimulatedCaps(destinations);
    for (Rule rule : rules.rules()) {
      tallies.put(rule.id(), new Tally(rule));
    }
    this.engine = new DetectionEngine(rules.rules(), clock, limits, new Observer());
  }

  /** Fires the timers due at {@code now}. */
  void advance(Instant now) {
    if (engine.hasTimers()) {
      count(engine.advance(now));
    }
  }

  void process(Event event) {
    count(engine.process(event));
  }

  /** What each rule did, in rule order; timers still pending count as such. */
  RuleSetResult result() {
    return new RuleSetResult(
        name,
        tallies.values().stream()
            .map(tally -> tally.result(engine.timers(tally.rule.id()).size()))
            .toList());
  }

  private void count(List<Detection> detections) {
    for (Detection detection : detections) {
      Tally tally = tallies.get(detection.ruleId());
      tally.detections++;
      tally.keys.add(detection.key());
      SimulatedCaps.Count webhooks = caps.count(detection);
      tally.webhooks += webhooks.sent();
      tally.webhooksCapped += webhooks.capped();
    }
  }

  /** What one rule did so far. */
  private static final class Tally {
    final Rule rule;
    long detections;
    long webhooks;
    long webhooksCapped;
    long conditionErrors;
    long keysEvicted;
    long timersRefused;
    long newKeysRefused;
    final Set<Map<String, Object>> keys = new HashSet<>();

    Tally(Rule rule) {
      this.rule = rule;
    }

    RuleResult result(int timersPending) {
      return new RuleResult(
          rule.id(),
          rule.detector().kind(),
          rule.version(),
          rule.destinations(),
          detections,
          keys.size(),
          webhooks,
          webhooksCapped,
          conditionErrors,
          keysEvicted,
          timersRefused,
          newKeysRefused,
          timersPending);
    }
  }

  /** Counts what the engine reports besides detections, per rule. */
  private final class Observer implements EngineObserver {

    @Override
    public void conditionFailed(Rule rule, Event event, ConditionException failure) {
      tallies.get(rule.id()).conditionErrors++;
    }

    @Override
    public void keysEvicted(Rule rule, int n) {
      tallies.get(rule.id()).keysEvicted += n;
    }

    @Override
    public void keyRefused(Rule rule, Event event, KeyRefusal reason) {
      Tally tally = tallies.get(rule.id());
      if (reason == KeyRefusal.MAX_TIMERS) {
        tally.timersRefused++;
      } else {
        tally.newKeysRefused++;
      }
    }
  }
}
