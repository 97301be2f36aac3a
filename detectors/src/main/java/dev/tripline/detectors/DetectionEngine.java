package dev.tripline.detectors;

import dev.tripline.rules.ConditionException;
import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
import java.time.InstantSource;
import java.util.ArrayList;
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

  private final Map<String, Detector> detectorsById;

  /** For each event type named in some rule's {@code on}: the rules that apply, in rule order. */
  private final Map<String, List<Detector>> byType;

  /** The rules without {@code on}: they apply to types no rule names. */
  private final List<Detector> forAllTypes;

  private final EngineObserver observer;

  /**
   * Builds the detectors of the given rules.
   *
   * @throws IllegalArgumentException when two rules share an id or a rule's options are out of
   *     range; the message names the rule
   */
  public DetectionEngine(
      List<Rule> rules, InstantSource clock, DetectorLimits limits, EngineObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
    DetectorFactory factory = new DetectorFactory(clock, limits, observer);
    Map<String, Detector> detectors = new LinkedHashMap<>();
    for (Rule rule : rules) {
      Detector previous = detectors.get(rule.id());
      if (previous != null) {
        throw new IllegalArgumentException(
            RuleLabel.of(rule)
                + ": id: must be unique, already used by "
                + RuleLabel.of(previous.rule()));
      }
      detectors.put(rule.id(), factory.create(rule));
    }
    this.detectorsById = detectors;

    List<Detector> all = new ArrayList<>();
    Map<String, List<Detector>> typed = new HashMap<>();
    for (Detector detector : detectors.values()) {
      if (detector.rule().on().isEmpty()) {
        all.add(detector);
      }
      for (String type : detector.rule().on()) {
        typed.putIfAbsent(type, new ArrayList<>());
      }
    }
    // Precompute each type's rules merged with the all-types rules, so that detections come out
    // in rule order and an event costs one lookup.
    typed.replaceAll(
        (type, unused) ->
            detectors.values().stream().filter(d -> d.rule().appliesTo(type)).toList());
    this.byType = Map.copyOf(typed);
    this.forAllTypes = List.copyOf(all);
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
    Detector detector = detectorsById.get(ruleId);
    if (detector == null) {
      throw new IllegalArgumentException(
          "ruleId: no such rule, was " + ruleId + "; known: " + detectorsById.keySet());
    }
    return detector.keyCount();
  }

  /** The rules of this engine, in the order given. */
  public List<Rule> rules() {
    return detectorsById.values().stream().map(Detector::rule).toList();
  }

  /**
   * Evaluates a rule's {@code where}. A failing condition means "no match": one bad expression or
   * one odd event must not stop the other rules, so any runtime failure of a condition is reported
   * and contained here.
   */
  private boolean matches(Rule rule, Event event) {
    try {
      return rule.where().test(event);
    } catch (ConditionException e) {
      observer.conditionFailed(rule, event, e);
    } catch (RuntimeException e) {
      observer.conditionFailed(
          rule,
          event,
          new ConditionException(RuleLabel.of(rule) + ": where: failed on event " + event.id(), e));
    }
    return false;
  }
}
