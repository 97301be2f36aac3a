package dev.tripline.detectors;

import dev.tripline.rules.Durations;
import dev.tripline.rules.Event;
import dev.tripline.rules.EventFilter;
import dev.tripline.rules.NewKeys;
import dev.tripline.rules.Rule;
import dev.tripline.rules.SequenceSpec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Detects a funnel: ordered steps that one key goes through within {@code within} of its first
 * step, firing on completion or on a drop-off ({@link SequenceSpec}).
 *
 * <p>Semantics, per key (the values of {@code correlate_by}, in order):
 *
 * <ul>
 *   <li>An event lacking a correlate-by field is skipped. A key has at most one sequence in
 *       progress.
 *   <li>An event matching step 1 (its types and {@code where}) while the key has no sequence opens
 *       one: a timer that starts at the event's time and is due {@code within} later. A step-1
 *       event while a sequence is in progress is ignored: re-viewing a product does not restart the
 *       funnel (nor move its deadline).
 *   <li>While a sequence is in progress only its next step counts: an event matching it whose event
 *       time is at or after the previous step's and at or before the deadline (first step + {@code
 *       within}) advances the sequence. Anything else is ignored: an event earlier than the
 *       previous step (out of order), a later step that skips one, a repeat of a step done.
 *   <li>When the last step is done, with {@code fire_on: complete} the rule fires (values {@code
 *       steps}, the number of steps, and {@code seconds} from the first to the last step); with
 *       {@code timeout_at_step} completion means no drop-off and nothing fires. Either way the
 *       sequence ends.
 *   <li>When the engine's clock reaches the deadline ({@link #advance}) the sequence ends; with
 *       {@code timeout_at_step}, if the first missing step is one of {@code at_step}, the rule
 *       fires (values {@code missingStep}, 1-based, {@code missingTypes}, the step's types sorted
 *       and comma-joined or {@code any event}, and {@code stepsDone}). With {@code complete} a
 *       timeout fires nothing.
 *   <li>An event for a key whose sequence has run out in event time (the event is after the
 *       deadline) but whose timer has not fired yet settles the sequence first, as the timer would,
 *       returning that detection; then the event is taken afresh and may open a new sequence.
 *   <li>There is no grace: a step that arrives after the timer fired starts nothing, even when its
 *       event time was before the deadline (it is not a step 1).
 *   <li>A detection starts the cooldown: no further detection for the key whose time (the last
 *       step's, or the deadline for a drop-off) falls before the detection's time plus the rule's
 *       cooldown.
 * </ul>
 *
 * <p>A detection's window runs from the first step to the last step (to the deadline for a
 * drop-off); its count is the steps done and its events the steps' events, in order.
 *
 * <p>Sequences in progress are timers: every change is reported to {@link
 * EngineObserver#timerSaved} / {@link EngineObserver#timerRemoved} (the gateway persists them) and
 * {@link #restore} puts them back after a restart. They are held in a {@link TimerQueue}, ordered
 * by due time, at most {@link DetectorLimits#maxTimersPerRule()}; beyond that a new key's step 1 is
 * refused and reported ({@link EngineObserver#keyRefused}), as is a new key's step 1 past the
 * rule's {@code new_keys} (its filter or its rate).
 *
 * <p>Not thread-safe: see {@link Detector}.
 */
public final class SequenceDetector implements Detector {

  private final Rule rule;
  private final SequenceSpec spec;
  private final List<EventFilter> steps;
  private final long withinMillis;
  private final boolean fireOnComplete;
  private final InstantSource clock;
  private final EngineObserver observer;
  private final DetectionIds ids = new DetectionIds();
  private final RuleTimers timers;

  /**
   * Creates the detector of a sequence rule.
   *
   * @throws IllegalArgumentException when the rule is not a sequence rule or its options are out of
   *     range; the message names the rule
   */
  public SequenceDetector(
      Rule rule, InstantSource clock, DetectorLimits limits, EngineObserver observer) {
    this.rule = Objects.requireNonNull(rule, "rule");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.observer = Objects.requireNonNull(observer, "observer");
    SequenceSpec sequence = RuleChecks.spec(rule, SequenceSpec.class, "sequence");
    String at = RuleLabel.of(rule) + ": detect.sequence.";
    if (sequence.steps().size() < 2) {
      throw new IllegalArgumentException(
          at + "steps: must have at least 2 steps, had " + sequence.steps().size());
    }
    if (sequence.within().isNegative() || sequence.within().isZero()) {
      throw new IllegalArgumentException(at + "within: must be > 0s, was " + sequence.within());
    }
    boolean complete = sequence.fireOn() == SequenceSpec.FireOn.COMPLETE;
    if (complete && !sequence.atStep().isEmpty()) {
      throw new IllegalArgumentException(
          at + "at_step: is only allowed with fire_on: timeout_at_step");
    }
    for (int step : sequence.atStep()) {
      if (step < 2 || step > sequence.steps().size()) {
        throw new IllegalArgumentException(
            at + "at_step: must be in 2.." + sequence.steps().size() + ", was " + step);
      }
    }
    this.spec = sequence;
    this.steps = sequence.steps();
    this.withinMillis = sequence.within().toMillis();
    this.fireOnComplete = complete;
    this.timers = new RuleTimers(rule, clock, limits, observer, RuleChecks.cooldown(rule));
  }

  @Override
  public Rule rule() {
    return rule;
  }

  /** Keys with a sequence in progress. */
  @Override
  public int keyCount() {
    return timers.size();
  }

  @Override
  public boolean hasTimers() {
    return true;
  }

  @Override
  public void limitNewKeys(NewKeys newKeys) {
    timers.newKeys().limit(newKeys);
  }

  @Override
  public Optional<Detection> onEvent(Event event) {
    List<Object> key = GroupKeys.of(event, spec.correlateBy());
    if (key == null) {
      return Optional.empty();
    }
    Instant time = event.timestamp();
    timers.observe(time);
    long millis = time.toEpochMilli();
    PendingTimer timer = timers.get(key);
    boolean newKey = timer == null;
    Optional<Detection> detection = Optional.empty();
    if (timer != null && millis > deadline(timer)) {
      timers.remove(timer);
      detection = timedOut(timer);
      timer = null;
    }
    if (timer == null) {
      if (matches(0, event)) {
        timers.open(
            new PendingTimer(
                key, millis, millis + withinMillis, List.of(event.id()), EventSummary.of(event)),
            event,
            newKey);
      }
    } else if (millis >= timer.lastEventAtMillis && matches(timer.count, event)) {
      detection = step(timer, event);
    }
    timers.expireIdle();
    return detection;
  }

  private boolean matches(int step, Event event) {
    return Conditions.matches(
        rule, steps.get(step), event, observer, "detect.sequence.steps[" + step + "]");
  }

  /** Takes the event as the timer's next step; completes the sequence at the last one. */
  private Optional<Detection> step(PendingTimer timer, Event event) {
    List<String> eventIds = new ArrayList<>(timer.eventIds.size() + 1);
    eventIds.addAll(timer.eventIds);
    eventIds.add(event.id());
    if (timer.count + 1 < steps.size()) {
      timer.count++;
      timer.eventIds = List.copyOf(eventIds);
      timer.lastEventAtMillis = event.timestamp().toEpochMilli();
      timer.latest = EventSummary.of(event);
      timers.saved(timer);
      return Optional.empty();
    }
    timers.remove(timer);
    if (!fireOnComplete) {
      return Optional.empty();
    }
    Instant last = event.timestamp();
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("steps", steps.size());
    values.put("seconds", (last.toEpochMilli() - timer.startedAtMillis) / 1000.0);
    timer.latest = EventSummary.of(event);
    return fire(timer, last, steps.size(), values, eventIds);
  }

  @Override
  public List<Detection> advance(Instant now) {
    return timers.fireDue(now, this::timedOut);
  }

  /**
   * @throws IllegalArgumentException when the timer's steps done do not fit this rule's steps
   * @throws IllegalStateException when the rule already holds its most timers
   */
  @Override
  public void restore(TimerState state) {
    if (state.count() < 1 || state.count() >= steps.size()) {
      throw new IllegalArgumentException(
          RuleLabel.of(rule)
              + ": timer of key "
              + state.key()
              + ": count must be in 1.."
              + (steps.size() - 1)
              + " (steps done), was "
              + state.count());
    }
    timers.restore(state);
  }

  @Override
  public List<TimerState> timers() {
    return timers.states();
  }

  @Override
  public Optional<Map<String, Object>> keyState(List<String> key) {
    Map<String, Object> state = new LinkedHashMap<>();
    timers
        .find(key)
        .ifPresent(
            timer -> {
              state.put("startedAt", timer.startedAt().toString());
              state.put("lastStepAt", Instant.ofEpochMilli(timer.lastEventAtMillis).toString());
              state.put("deadline", Instant.ofEpochMilli(deadline(timer)).toString());
              state.put("stepsDone", timer.count);
              state.put("nextStep", timer.count + 1);
              state.put("nextTypes", types(steps.get(timer.count)));
              state.put("eventIds", timer.eventIds);
            });
    timers.coolingUntil(key).ifPresent(until -> state.put("cooldownUntil", until.toString()));
    return state.isEmpty() ? Optional.empty() : Optional.of(state);
  }

  /** The event time by which the last step must have happened. */
  private long deadline(PendingTimer timer) {
    return timer.startedAtMillis + withinMillis;
  }

  /** The drop-off detection of a sequence that ran out, if its missing step is one that fires. */
  private Optional<Detection> timedOut(PendingTimer timer) {
    int missing = timer.count + 1;
    if (fireOnComplete || !spec.atStep().contains(missing)) {
      return Optional.empty();
    }
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("missingStep", missing);
    values.put("missingTypes", types(steps.get(missing - 1)));
    values.put("stepsDone", timer.count);
    return fire(timer, Instant.ofEpochMilli(deadline(timer)), timer.count, values, timer.eventIds);
  }

  /** The detection, unless the key is cooling down at {@code end}; starts the cooldown. */
  private Optional<Detection> fire(
      PendingTimer timer,
      Instant end,
      int count,
      Map<String, Object> values,
      List<String> eventIds) {
    if (!timers.mayFire(timer.key, end)) {
      return Optional.empty();
    }
    Map<String, Object> keyMap = GroupKeys.asMap(spec.correlateBy(), timer.key);
    values.put("within", Durations.format(spec.within()));
    return Optional.of(
        new Detection(
            ids.idFor(rule.id(), rule.version(), keyMap, eventIds),
            rule.id(),
            rule.version(),
            keyMap,
            timer.startedAt(),
            end,
            count,
            values,
            eventIds,
            eventIds.get(0),
            eventIds.get(eventIds.size() - 1),
            clock.instant(),
            rule.destinations(),
            rule.severity().yamlName(),
            rule.labels(),
            timer.latest));
  }

  private static String types(EventFilter step) {
    return step.on().isEmpty() ? "any event" : String.join(",", new TreeSet<>(step.on()));
  }
}
