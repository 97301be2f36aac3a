package dev.tripline.detectors;

import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
import dev.tripline.rules.RuleSet;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a fixed set of rules over a stream of events: routes each event to the rules whose {@code
 * on} names its type, filters it through their {@code where}, and feeds it to their detectors.
 *
 * <p>Routing is a single map lookup per event (an index from event type to rules, built once), so
 * the cost of an event grows with the rules that look at its type, not with all rules.
 *
 * <p>Single-threaded by design, like its detectors: the gateway gives the engine to one Vert.x
 * context and calls it only from there (in cluster mode, one engine per owner of a set of keys). It
 * uses no locks and must not be shared between threads.
 */
public final class DetectionEngine {

  /** What a new engine did with a rule's detector state, compared with the engine it replaced. */
  public enum StateFate {
    /** The rule is new: its state starts empty. */
    NEW,
    /** The rule's id, version and definition are unchanged: its windows and timers carry over. */
    KEPT,
    /** The rule changed: its state (windows, timers) starts empty. */
    RESET
  }

  private final Map<String, Detector> detectorsById;
  private final Map<String, StateFate> fates;
  private final List<String> removed;

  /** For each event type named in some rule's {@code on}: the rules that apply, in rule order. */
  private final Map<String, List<Detector>> byType;

  /** The rules without {@code on}: they apply to types no rule names. */
  private final List<Detector> forAllTypes;

  /** The detectors that keep timers, advanced by {@link #advance}. */
  private final List<Detector> timed;

  private final EngineObserver observer;

  /**
   * Builds the detectors of the given rules.
   *
   * @throws IllegalArgumentException when two rules share an id or a rule's options are out of
   *     range; the message names the rule
   */
  public DetectionEngine(
      List<Rule> rules, InstantSource clock, DetectorLimits limits, EngineObserver observer) {
    this(rules, clock, limits, observer, null);
  }

  /**
   * Builds the engine of a reloaded rule set: a rule whose id, version and fingerprint equal a rule
   * of {@code previous} takes over that rule's detector with its state; every other rule starts
   * empty. {@code previous} must not be used afterwards (its detectors now belong to this engine).
   *
   * @param previous the engine being replaced, or null
   * @throws IllegalArgumentException when two rules share an id or a rule's options are out of
   *     range; the message names the rule
   */
  public DetectionEngine(
      List<Rule> rules,
      InstantSource clock,
      DetectorLimits limits,
      EngineObserver observer,
      DetectionEngine previous) {
    this.observer = Objects.requireNonNull(observer, "observer");
    DetectorFactory factory = new DetectorFactory(clock, limits, observer);
    Map<String, Detector> detectors = new LinkedHashMap<>();
    Map<String, StateFate> fateById = new LinkedHashMap<>();
    for (Rule rule : rules) {
      Detector existing = detectors.get(rule.id());
      if (existing != null) {
        throw new IllegalArgumentException(
            RuleLabel.of(rule)
                + ": id: must be unique, already used by "
                + RuleLabel.of(existing.rule()));
      }
      Detector old = previous == null ? null : previous.detectorsById.get(rule.id());
      if (old != null && sameDefinition(old.rule(), rule)) {
        detectors.put(rule.id(), Relabelled.of(old, rule));
        fateById.put(rule.id(), StateFate.KEPT);
      } else {
        detectors.put(rule.id(), factory.create(rule));
        fateById.put(rule.id(), old == null ? StateFate.NEW : StateFate.RESET);
      }
    }
    this.detectorsById = detectors;
    this.fates = Collections.unmodifiableMap(fateById);
    this.removed =
        previous == null
            ? List.of()
            : previous.detectorsById.keySet().stream()
                .filter(id -> !detectors.containsKey(id))
                .toList();

    // the rule set's index by type, in rule order, mapped to the detectors
    RuleSet index = RuleSet.of(rules);
    Map<String, List<Detector>> typed = new HashMap<>();
    for (String type : index.namedTypes()) {
      typed.put(type, index.rulesFor(type).stream().map(r -> detectors.get(r.id())).toList());
    }
    this.byType = Map.copyOf(typed);
    this.forAllTypes = index.rulesForAnyType().stream().map(r -> detectors.get(r.id())).toList();
    this.timed = detectors.values().stream().filter(Detector::hasTimers).toList();
  }

  private static boolean sameDefinition(Rule a, Rule b) {
    return a.version().equals(b.version()) && a.fingerprint().equals(b.fingerprint());
  }

  /**
   * Runs one event through every rule that applies to it.
   *
   * @return the detections this event completed, in rule order; usually empty
   */
  public List<Detection> process(Event event) {
    List<Detection> detections = List.of();
    for (Detector detector : byType.getOrDefault(event.type(), forAllTypes)) {
      if (!matches(detector.rule(), event)) {
        continue;
      }
      Optional<Detection> detection = detector.onEvent(event);
      if (detection.isPresent()) {
        if (detections.isEmpty()) {
          detections = new ArrayList<>(1);
        }
        detections.add(detection.get());
      }
    }
    return detections;
  }

  /**
   * How many keys a rule holds state for.
   *
   * @throws IllegalArgumentException when no rule has that id
   */
  public int keyCount(String ruleId) {
    return detector(ruleId).keyCount();
  }

  private Detector detector(String ruleId) {
    Detector detector = detectorsById.get(ruleId);
    if (detector == null) {
      throw new IllegalArgumentException(
          "ruleId: no such rule, was " + ruleId + "; known: " + detectorsById.keySet());
    }
    return detector;
  }

  /**
   * Fires every timer due at {@code now}, rule by rule in rule order.
   *
   * @return the detections of the due timers; usually empty
   */
  public List<Detection> advance(Instant now) {
    List<Detection> detections = List.of();
    for (Detector detector : timed) {
      List<Detection> fired = detector.advance(now);
      if (!fired.isEmpty()) {
        if (detections.isEmpty()) {
          detections = new ArrayList<>();
        }
        detections.addAll(fired);
      }
    }
    return detections;
  }

  /** Whether any rule keeps timers. */
  public boolean hasTimers() {
    return !timed.isEmpty();
  }

  /**
   * Puts back a persisted timer of a rule; see {@link Detector#restore}.
   *
   * @throws IllegalArgumentException when no rule has that id
   */
  public void restore(String ruleId, TimerState timer) {
    detector(ruleId).restore(timer);
  }

  /** A rule's pending timers; empty for a rule without timers. */
  public List<TimerState> timers(String ruleId) {
    return detector(ruleId).timers();
  }

  /** What a rule holds for one key; see {@link Detector#keyState}. */
  public Optional<Map<String, Object>> keyState(String ruleId, List<String> key) {
    return detector(ruleId).keyState(key);
  }

  /**
   * For each rule, in rule order: whether its state is new, kept from the previous engine, or
   * reset.
   */
  public Map<String, StateFate> fates() {
    return fates;
  }

  /** Ids of the previous engine's rules that this one no longer has. */
  public List<String> removedRules() {
    return removed;
  }

  /** The rules of this engine, in the order given. */
  public List<Rule> rules() {
    return detectorsById.values().stream().map(Detector::rule).toList();
  }

  private boolean matches(Rule rule, Event event) {
    return Conditions.test(rule, rule.where(), event, observer, "where");
  }
}
