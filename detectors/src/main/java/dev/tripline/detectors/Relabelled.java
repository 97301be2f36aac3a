package dev.tripline.detectors;

import dev.tripline.rules.Event;
import dev.tripline.rules.NewKeys;
import dev.tripline.rules.Rule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A detector carried over by a reload to a rule whose definition is unchanged but whose metadata
 * (description, severity, labels) or {@code new_keys} may have changed: the state stays, detections
 * carry the new rule's severity and labels, and new keys are admitted at its pace.
 */
final class Relabelled implements Detector {

  private final Detector delegate;
  private final Rule rule;

  private Relabelled(Detector delegate, Rule rule) {
    this.delegate = delegate;
    this.rule = rule;
  }

  /** The detector serving {@code rule}: itself when it already does. */
  static Detector of(Detector detector, Rule rule) {
    if (detector.rule() == rule) {
      return detector;
    }
    Detector inner = detector instanceof Relabelled relabelled ? relabelled.delegate : detector;
    inner.limitNewKeys(rule.newKeys());
    return new Relabelled(inner, rule);
  }

  @Override
  public Rule rule() {
    return rule;
  }

  @Override
  public Optional<Detection> onEvent(Event event) {
    return delegate.onEvent(event).map(this::relabel);
  }

  @Override
  public int keyCount() {
    return delegate.keyCount();
  }

  @Override
  public void limitNewKeys(NewKeys newKeys) {
    delegate.limitNewKeys(newKeys);
  }

  @Override
  public boolean hasTimers() {
    return delegate.hasTimers();
  }

  @Override
  public List<Detection> advance(Instant now) {
    List<Detection> fired = delegate.advance(now);
    return fired.isEmpty() ? fired : fired.stream().map(this::relabel).toList();
  }

  @Override
  public void restore(TimerState timer) {
    delegate.restore(timer);
  }

  @Override
  public List<TimerState> timers() {
    return delegate.timers();
  }

  @Override
  public Optional<Map<String, Object>> keyState(List<String> key) {
    return delegate.keyState(key);
  }

  private Detection relabel(Detection d) {
    return new Detection(
        d.id(),
        d.ruleId(),
        d.ruleVersion(),
        d.key(),
        d.windowStart(),
        d.windowEnd(),
        d.count(),
        d.values(),
        d.eventIds(),
        d.firstEventId(),
        d.lastEventId(),
        d.detectedAt(),
        d.destinations(),
        rule.severity().yamlName(),
        rule.labels(),
        d.latestEvent());
  }
}
