package dev.tripline.gateway.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.detectors.DetectorLimits;
import dev.tripline.rules.Event;
import dev.tripline.rules.RuleLoader;
import dev.tripline.rules.RuleSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The replay itself, without a store: engines on a clock that follows event time. */
class ReplayTest {

  private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-11-02T00:00:00Z");
  private static final StoredEvents.Skipped NONE = new StoredEvents.Skipped(0, null);

  private static RuleSet rules(String yaml) {
    return RuleLoader.loadText("rules.yaml", yaml, Set.of("crm"));
  }

  private static Event event(String type, String time, String userId, Map<String, Object> props) {
    return new Event(
        "e-" + type + "-" + time,
        "web",
        type,
        Instant.parse(time),
        userId,
        null,
        "203.0.113.7",
        null,
        props,
        Map.of(),
        Instant.parse(time));
  }

  private static Replay replay(RuleSet rules, DetectorLimits limits) {
    return new Replay(
        FROM, TO, new Backtest.Rules("rules", rules), Optional.empty(), limits, java.util.Map.of());
  }

  @Test
  void should_count_what_the_engine_reports_besides_detections_per_rule() {
    RuleSet rules =
        rules(
            """
            - id: free-plans
              on: [signup]
              where: "event.properties.plan == 'free'"
              detect: {threshold: {group_by: [userId], count: 5, within: 1h}}
            - id: carts
              detect:
                absence:
                  start: {on: [add_to_cart]}
                  cancel: {on: [order_completed]}
                  correlate_by: [userId]
                  after: 30m
            """);
    Replay replay = replay(rules, new DetectorLimits(1, 1));

    // no plan property: the condition fails (counted, not a match)
    replay.accept(event("signup", "2026-11-01T01:00:00Z", "u1", Map.of()));
    // two users, room for one key and one timer
    replay.accept(event("signup", "2026-11-01T01:00:01Z", "u1", Map.of("plan", "free")));
    replay.accept(event("signup", "2026-11-01T01:00:02Z", "u2", Map.of("plan", "free")));
    replay.accept(event("add_to_cart", "2026-11-01T23:50:00Z", "u1", Map.of()));
    replay.accept(event("add_to_cart", "2026-11-01T23:50:01Z", "u2", Map.of()));
    BacktestReport report = replay.finish("test", NONE);

    RuleResult free = report.candidate().rule("free-plans").orElseThrow();
    assertThat(free.conditionErrors()).isEqualTo(1);
    assertThat(free.keysEvicted()).isEqualTo(1);
    RuleResult carts = report.candidate().rule("carts").orElseThrow();
    assertThat(carts.timersRefused()).isEqualTo(1);
    assertThat(carts.timersPending()).isEqualTo(1);
    assertThat(report.eventsRead()).isEqualTo(5);
  }

  @Test
  void should_fire_timers_due_by_each_events_time_before_that_event_and_the_rest_by_to() {
    RuleSet rules =
        rules(
            """
            - id: carts
              detect:
                absence:
                  start: {on: [add_to_cart]}
                  cancel: {on: [order_completed]}
                  correlate_by: [userId]
                  after: 30m
              cooldown: 1h
              notify: [crm]
            """);
    Replay replay = replay(rules, DetectorLimits.defaults());

    replay.accept(event("add_to_cart", "2026-11-01T10:00:00Z", "u1", Map.of()));
    // 31 minutes later: the timer (due 10:30) fired before this order was looked at
    replay.accept(event("order_completed", "2026-11-01T10:31:00Z", "u1", Map.of()));
    replay.accept(event("add_to_cart", "2026-11-01T23:00:00Z", "u2", Map.of()));
    BacktestReport report = replay.finish("test", NONE);

    RuleResult carts = report.candidate().rule("carts").orElseThrow();
    assertThat(List.of(carts.detections(), carts.keys(), carts.webhooks(), carts.timersPending()))
        .containsExactly(2L, 2L, 2L, 0L);
  }
}
