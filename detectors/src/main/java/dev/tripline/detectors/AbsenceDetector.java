package dev.tripline.detectors;

import dev.tripline.rules.AbsenceSpec;
import dev.tripline.rules.Durations;
import dev.tripline.rules.Event;
import dev.tripline.rules.NewKeys;
import dev.tripline.rules.Rule;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Detects an absence: a {@code start} event for a key not followed, within {@code after}, by a
 * {@code cancel} event for the same key ({@link AbsenceSpec}).
 *
 * <p>Semantics, per key (the values of {@code correlate_by}, in order):
 *
 * <ul>
 *   <li>An event lacking a correlate-by field is skipped. An event may be both a cancel and a start
 *       (inactivity: any event does both); it is applied as a cancel first, then as a start.
 *   <li>A start opens a timer: its deadline is the start's event time plus {@code after}, and it
 *       fires when the engine's clock reaches deadline plus {@code grace}.
 *   <li>A cancel closes the key's timer when its event time lies between the start (inclusive) and
 *       the deadline (exclusive: a cancel exactly {@code after} late is late), whenever it arrives
 *       before the timer fires: so a cancel delayed on its way by up to {@code grace} still counts.
 *       A cancel older than the start belongs to an earlier episode and one after the deadline came
 *       too late; neither closes the timer.
 *   <li>A start for a key whose timer is open: with {@code on_repeat_start: reset} the deadline
 *       moves to the new start's (an older, out-of-order start moves nothing); with {@code ignore}
 *       it stays. Either way the start is counted. If the open timer's deadline already lies before
 *       the new start in event time, the key was absent for {@code after}: that timer fires at once
 *       and the new start opens a fresh one.
 *   <li>A firing timer starts the cooldown: a timer of the key whose deadline falls within the
 *       cooldown after the last detection's deadline expires without a detection.
 * </ul>
 *
 * <p>Timers are data: every change is reported to {@link EngineObserver#timerSaved} / {@link
 * EngineObserver#timerRemoved} (the gateway persists them) and {@link #restore} puts them back
 * after a restart. They are held in a {@link TimerQueue}, ordered by due time, at most {@link
 * DetectorLimits#maxTimersPerRule()}; beyond that a new key's start is refused and reported, as is
 * a new key's start that the rule's {@code new_keys} does not admit (an inactivity rule's
 * cancel-then-start of a key it holds is no new key).
 *
 * <p>Not thread-safe: see {@link Detector}.
 */
public final class AbsenceDetector implements Detector {

  private final Rule rule;
  private final AbsenceSpec spec;
  private final InstantSource clock;
  private final EngineObserver observer;
  private final boolean reset;
  private final DetectionIds ids = new DetectionIds();
  private final RuleTimers timers;

  /**
   * Creates the detector of an absence rule.
   *
   * @throws IllegalArgumentException when the rule is not an absence rule or its options are out of
   *     range; the message names the rule
   */
  public AbsenceDetector(
      Rule rule, InstantSource clock, DetectorLimits limits, EngineObserver observer) {
    this.rule = Objects.requireNonNull(rule, "rule");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.observer = Objects.requireNonNull(observer, "observer");
    AbsenceSpec absence = RuleChecks.spec(rule, AbsenceSpec.class, "absence");
    String at = RuleLabel.of(rule) + ": detect.absence.";
    if (absence.after().isNegative() || absence.after().isZero()) {
      throw new IllegalArgumentException(at + "after: must be > 0s, was " + absence.after());
    }
    if (absence.grace().isNegative()) {
      throw new IllegalArgumentException(at + "grace: must be >= 0s, was " + absence.grace());
    }
    this.spec = absence;
    this.reset = absence.onRepeatStart() == AbsenceSpec.OnRepeatStart.RESET;
    this.timers = new RuleTimers(rule, clock, limits, observer, RuleChecks.cooldown(rule));
  }

  @Override
  public Rule rule() {
    return rule;
  }

  /** Keys with a pending timer. */
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
    if (timer != null
        && Conditions.matches(rule, spec.cancel(), event, observer, "detect.absence.cancel")
        && millis >= timer.startedAtMillis
        && millis < deadline(timer)) {
      timers.remove(timer);
      timer = null;
    }
    if (!Conditions.matches(rule, spec.start(), event, observer, "detect.absence.start")) {
      return Optional.empty();
    }
    Optional<Detection> settled = Optional.empty();
    if (timer != null && deadline(timer) <= millis) {
      timers.remove(timer);
      settled = fire(timer);
      timer = null;
    }
    if (timer == null) {
      timers.open(
          new PendingTimer(key, millis, due(millis), List.of(event.id()), EventSummary.of(event)),
          event,
          newKey);
    } else {
      repeat(timer, event);
    }
    timers.expireIdle();
    return settled;
  }

  private void repeat(PendingTimer timer, Event event) {
    long start = event.timestamp().toEpochMilli();
    timer.count++;
    if (start >= timer.lastEventAtMillis) {
      // the latest start in event time is the one the detection names last
      timer.eventIds = List.of(timer.eventIds.get(0), event.id());
      timer.lastEventAtMillis = start;
      timer.latest = EventSummary.of(event);
    }
    if (reset && start > timer.startedAtMillis) {
      timer.startedAtMillis = start;
      timer.dueMillis = due(start);
      timers.rescheduled(timer);
    }
    timers.saved(timer);
  }

  @Override
  public List<Detection> advance(Instant now) {
    return timers.fireDue(now, this::fire);
  }

  @Override
  public void restore(TimerState state) {
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
              state.put("deadline", Instant.ofEpochMilli(deadline(timer)).toString());
              state.put("due", timer.due().toString());
              state.put("starts", timer.count);
              state.put("eventIds", timer.eventIds);
            });
    timers.coolingUntil(key).ifPresent(until -> state.put("cooldownUntil", until.toString()));
    return state.isEmpty() ? Optional.empty() : Optional.of(state);
  }

  /** The event time by which a cancel must have happened. */
  private long deadline(PendingTimer timer) {
    return timer.startedAtMillis + spec.after().toMillis();
  }

  private long due(long startMillis) {
    return startMillis + spec.after().toMillis() + spec.grace().toMillis();
  }

  /** The detection of a timer that ran out, unless the key is cooling down. */
  private Optional<Detection> fire(PendingTimer timer) {
    Instant deadline = Instant.ofEpochMilli(deadline(timer));
    if (!timers.mayFire(timer.key, deadline)) {
      return Optional.empty();
    }
    Map<String, Object> keyMap = GroupKeys.asMap(spec.correlateBy(), timer.key);
    List<String> eventIds = timer.eventIds;
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("after", Durations.format(spec.after()));
    values.put("starts", timer.count);
    values.put("deadline", deadline.toString());
    values.put("missing", spec.cancel().on().isEmpty() ? "any event" : sorted(spec.cancel().on()));
    return Optional.of(
        new Detection(
            ids.idFor(rule.id(), rule.version(), keyMap, eventIds),
            rule.id(),
            rule.version(),
            keyMap,
            timer.startedAt(),
            deadline,
            timer.count,
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

  private static String sorted(java.util.Set<String> types) {
    return String.join(",", new java.util.TreeSet<>(types));
  }
}
