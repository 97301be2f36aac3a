package dev.tripline.detectors;

import dev.tripline.rules.Event;
import dev.tripline.rules.NewKeys;
import dev.tripline.rules.Rule;
import dev.tripline.rules.ThresholdSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Detects {@code count} events, or {@code count} distinct values of a field, for one key within a
 * sliding window of event time ({@link ThresholdSpec}).
 *
 * <p>Semantics, per key (the values of the {@code group_by} paths, in order):
 *
 * <ul>
 *   <li>An event lacking any group-by field, or lacking the {@code distinct} field, is skipped: it
 *       cannot be attributed to a key or a value.
 *   <li>The window is (newest event time of the key - {@code within}, newest event time]. The rule
 *       fires when the window holds {@code count} events (or values). Event time, not the clock,
 *       drives it, so that a replay or a backtest gives the same detections as live traffic.
 *   <li>Late events: an event at or before the key's newest time minus {@code within} is ignored; a
 *       later one is inserted in event-time order.
 *   <li>Firing starts the cooldown: no detection for the key for events before the firing event's
 *       time plus the rule's cooldown; events during the cooldown still enter the window. With
 *       {@code on_fire: reset} (default) firing also clears the key's window, so the next detection
 *       needs {@code count} fresh events; with {@code keep} the window keeps its events, and the
 *       rule fires again on the next counted event while the window holds {@code count} of them.
 *   <li>Distinct mode counts each value once, with its newest event.
 * </ul>
 *
 * <p>Memory is bounded: a key holds at most {@code count} entries, and the rule at most {@link
 * DetectorLimits#maxKeysPerRule()} keys, evicting the least recently used one (reported through
 * {@link EngineObserver#keysEvicted}). Keys whose newest event is older than the rule's newest
 * event minus max({@code within}, cooldown) can neither count nor suppress anything any more; they
 * are dropped lazily from the least recently used end, a few per event (reported through {@link
 * EngineObserver#keysExpired}). A key whose events lag the rest of the rule's traffic by more than
 * that horizon may therefore lose its state, as if evicted.
 *
 * <p>A key the rule holds no state for is taken on only from an event its {@code new_keys} admits
 * (filter and rate); an event of a key left out is not counted.
 *
 * <p>The detection's {@code windowEnd} and {@code lastEventId} are those of the event that crossed
 * the threshold; for a late event that is not the newest counted one.
 *
 * <p>Not thread-safe: see {@link Detector}.
 */
public final class ThresholdDetector implements Detector {

  private static final int MAX_INITIAL_ENTRIES = 16;

  private final Rule rule;
  private final List<String> groupBy;
  private final String distinct;
  private final int count;
  private final Duration within;
  private final boolean reset;
  private final Duration cooldown;
  private final InstantSource clock;
  private final DetectionIds ids = new DetectionIds();
  private final NewKeyAdmission newKeys;

  private final KeyedStates<KeyWindow> keys;

  /**
   * Creates the detector of a threshold rule.
   *
   * @throws IllegalArgumentException when the rule is not a threshold rule or its options are out
   *     of range; the message names the rule
   */
  public ThresholdDetector(
      Rule rule, InstantSource clock, DetectorLimits limits, EngineObserver observer) {
    this.rule = Objects.requireNonNull(rule, "rule");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(observer, "observer");
    ThresholdSpec spec = RuleChecks.spec(rule, ThresholdSpec.class, "threshold");
    if (spec.count() < 1) {
      throw new IllegalArgumentException(
          RuleLabel.of(rule) + ": detect.threshold.count: must be >= 1, was " + spec.count());
    }
    if (spec.within() == null || spec.within().isNegative() || spec.within().isZero()) {
      throw new IllegalArgumentException(
          RuleLabel.of(rule) + ": detect.threshold.within: must be > 0s, was " + spec.within());
    }
    this.groupBy = spec.groupBy();
    this.distinct = spec.distinct().orElse(null);
    this.count = spec.count();
    this.within = spec.within();
    this.reset = spec.onFire() == ThresholdSpec.OnFire.RESET;
    this.cooldown = RuleChecks.cooldown(rule);
    this.keys =
        new KeyedStates<>(
            rule, limits, observer, KeyWindow::newest, RuleChecks.longer(within, cooldown));
    this.newKeys = new NewKeyAdmission(rule, clock, observer);
  }

  @Override
  public void limitNewKeys(NewKeys newKeys) {
    this.newKeys.limit(newKeys);
  }

  @Override
  public Rule rule() {
    return rule;
  }

  @Override
  public int keyCount() {
    return keys.size();
  }

  @Override
  public Optional<Map<String, Object>> keyState(List<String> key) {
    return Optional.ofNullable(keys.find(key)).map(KeyWindow::describe);
  }

  @Override
  public Optional<Detection> onEvent(Event event) {
    List<Object> key = GroupKeys.of(event, groupBy);
    if (key == null) {
      return Optional.empty();
    }
    Object value = null;
    if (distinct != null) {
      value = event.field(distinct);
      if (value == null) {
        return Optional.empty();
      }
    }
    Instant time = event.timestamp();
    keys.observe(time);
    KeyWindow window = keys.get(key);
    if (window == null) {
      if (!newKeys.admit(event)) {
        keys.expireIdle();
        return Optional.empty();
      }
      window =
          keys.admit(
              key, new KeyWindow(time, distinct != null, Math.min(count, MAX_INITIAL_ENTRIES)));
    }
    Optional<Detection> detection = Optional.empty();
    if (window.add(time, event.id(), value, within, count)
        && window.size() >= count
        && !window.coolingDown(time)) {
      detection = Optional.of(detect(key, window.fire(time, cooldown, reset), event));
    }
    keys.expireIdle();
    return detection;
  }

  private Detection detect(List<Object> key, List<KeyWindow.Entry> counted, Event trigger) {
    Map<String, Object> keyMap = GroupKeys.asMap(groupBy, key);
    List<String> eventIds = new ArrayList<>(counted.size());
    for (KeyWindow.Entry entry : counted) {
      eventIds.add(entry.eventId);
    }
    return new Detection(
        ids.idFor(rule.id(), rule.version(), keyMap, eventIds),
        rule.id(),
        rule.version(),
        keyMap,
        counted.get(0).time,
        trigger.timestamp(),
        counted.size(),
        Map.of("count", counted.size()),
        capped(eventIds),
        eventIds.get(0),
        trigger.id(),
        clock.instant(),
        rule.destinations(),
        rule.severity().yamlName(),
        rule.labels(),
        EventSummary.of(trigger));
  }

  /** The first event id and the newest ones, at most {@link Detection#MAX_EVENT_IDS} in all. */
  private static List<String> capped(List<String> eventIds) {
    if (eventIds.size() <= Detection.MAX_EVENT_IDS) {
      return eventIds;
    }
    List<String> kept = new ArrayList<>(Detection.MAX_EVENT_IDS);
    kept.add(eventIds.get(0));
    kept.addAll(eventIds.subList(eventIds.size() - (Detection.MAX_EVENT_IDS - 1), eventIds.size()));
    return kept;
  }
}
