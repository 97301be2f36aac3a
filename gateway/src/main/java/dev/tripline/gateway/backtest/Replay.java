package dev.tripline.gateway.backtest;

import dev.tripline.detectors.DetectorLimits;
import dev.tripline.gateway.delivery.Destination;
import dev.tripline.rules.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Feeds events, in event-time order, to fresh engines over the candidate rules and, when compared,
 * the live rules, on one clock that follows event time: before each event the clock moves to its
 * time and the timers due by then fire; at the end the clock moves to {@code to} and the timers due
 * by then fire. Single-threaded.
 */
final class Replay {

  private final Instant from;
  private final Instant to;
  private final ReplayClock clock;
  private final RuleSetReplay candidate;
  private final Optional<RuleSetReplay> live;
  private final List<RuleSetReplay> all = new ArrayList<>(2);
  private long events;

  /**
   * @param live the live rules, when compared
   * @param destinations the configured destinations, for their frequency caps
   * @throws IllegalArgumentException when a rule's options are out of range for its detector
   */
  Replay(
      Instant from,
      Instant to,
      Backtest.Rules candidate,
      Optional<Backtest.Rules> live,
      DetectorLimits limits,
      Map<String, Destination> destinations) {
    this.from = from;
    this.to = to;
    this.clock = new ReplayClock(from);
    this.candidate =
        new RuleSetReplay(candidate.dir(), candidate.rules(), clock, limits, destinations);
    this.live =
        live.map(
            named -> new RuleSetReplay(named.dir(), named.rules(), clock, limits, destinations));
    all.add(this.candidate);
    this.live.ifPresent(all::add);
  }

  /** Replays one event; events must come in event-time order. */
  void accept(Event event) {
    clock.moveTo(event.timestamp());
    Instant now = clock.instant();
    for (RuleSetReplay set : all) {
      set.advance(now);
    }
    for (RuleSetReplay set : all) {
      set.process(event);
    }
    events++;
  }

  /** Fires the timers due by {@code to}, then reports. Call once, after the last event. */
  BacktestReport finish(String store, StoredEvents.Skipped skipped) {
    clock.moveTo(to);
    for (RuleSetReplay set : all) {
      set.advance(to);
    }
    return new BacktestReport(
        store,
        from,
        to,
        events,
        skipped.skipped(),
        Optional.ofNullable(skipped.firstProblem()),
        candidate.result(),
        live.map(RuleSetReplay::result));
  }
}
