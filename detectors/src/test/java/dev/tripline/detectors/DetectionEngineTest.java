package dev.tripline.detectors;

import static dev.tripline.detectors.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.rules.Condition;
import dev.tripline.rules.ConditionException;
import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DetectionEngineTest {

  private final FakeClock clock = new FakeClock(Instant.parse("2026-11-21T12:00:00Z"));
  private final RecordingObserver observer = new RecordingObserver();

  private DetectionEngine engine(Rule... rules) {
    return new DetectionEngine(List.of(rules), clock, DetectorLimits.defaults(), observer);
  }

  /** A condition that counts how often it is evaluated. */
  private static final class CountingCondition implements Condition {
    int calls;

    @Override
    public boolean test(Event event) {
      calls++;
      return true;
    }
  }

  @ParameterizedTest(name = "{0} event")
  @CsvSource({"signup, 1, 1", "login, 1, 1", "page, 0, 1"})
  void should_evaluate_only_the_rules_whose_on_names_the_event_type(
      String type, int typedCalls, int untypedCalls) {
    CountingCondition typed = new CountingCondition();
    CountingCondition untyped = new CountingCondition();
    DetectionEngine engine =
        engine(
            TestRules.threshold("typed").on("signup", "login").where(typed).build(),
            TestRules.threshold("untyped").where(untyped).build());

    engine.process(event("e1").type(type).ip("203.0.113.7").build());

    assertThat(typed.calls).isEqualTo(typedCalls);
    assertThat(untyped.calls).isEqualTo(untypedCalls);
  }

  @Test
  void should_feed_the_detector_only_events_that_pass_where() {
    DetectionEngine engine =
        engine(
            TestRules.threshold("free-plan")
                .count(2)
                .where(e -> "free".equals(e.field("properties.plan")))
                .build());

    List<Detection> detections = new ArrayList<>();
    detections.addAll(engine.process(event("e1").ip("x").property("plan", "free").build()));
    detections.addAll(engine.process(event("e2").ip("x").property("plan", "pro").build()));
    assertThat(detections).isEmpty();
    detections.addAll(engine.process(event("e3").ip("x").property("plan", "free").build()));

    assertThat(detections)
        .singleElement()
        .extracting(Detection::eventIds)
        .isEqualTo(List.of("e1", "e3"));
  }

  @Test
  void should_report_a_failing_condition_and_treat_it_as_no_match() {
    ConditionException failure = new ConditionException("no such key: plan", null);
    DetectionEngine engine =
        engine(
            TestRules.threshold("broken")
                .count(1)
                .where(
                    e -> {
                      throw failure;
                    })
                .build(),
            TestRules.threshold("healthy").count(1).build());

    List<Detection> detections = engine.process(event("e1").ip("x").build());

    assertThat(detections).extracting(Detection::ruleId).containsExactly("healthy");
    assertThat(engine.keyCount("broken")).isZero();
    assertThat(observer.failures)
        .containsExactly(new RecordingObserver.Failure("broken", "e1", failure));
  }

  @Test
  void should_contain_an_unexpected_condition_failure_naming_rule_and_event() {
    IllegalStateException bug = new IllegalStateException("bug");
    DetectionEngine engine =
        engine(
            TestRules.threshold("buggy")
                .count(1)
                .where(
                    e -> {
                      throw bug;
                    })
                .build());

    assertThat(engine.process(event("e1").ip("x").build())).isEmpty();

    assertThat(observer.failures)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.failure())
                  .hasMessage("rule buggy (rules/test.yaml:1:3): where: failed on event e1");
              assertThat(f.failure()).hasCause(bug);
            });
  }

  @Test
  void should_return_detections_in_rule_order() {
    DetectionEngine engine =
        engine(
            TestRules.threshold("b-untyped").count(1).build(),
            TestRules.threshold("a-typed").on("signup").count(1).build(),
            TestRules.threshold("c-untyped").count(1).build());

    List<Detection> detections = engine.process(event("e1").type("signup").ip("x").build());

    assertThat(detections)
        .extracting(Detection::ruleId)
        .containsExactly("b-untyped", "a-typed", "c-untyped");
  }

  @Test
  void should_count_keys_per_rule() {
    DetectionEngine engine =
        engine(
            TestRules.threshold("by-ip").groupBy("ip").build(),
            TestRules.threshold("by-user").groupBy("userId").build());

    engine.process(event("e1").ip("ip1").user("u1").build());
    engine.process(event("e2").ip("ip2").user("u1").build());

    assertThat(engine.keyCount("by-ip")).isEqualTo(2);
    assertThat(engine.keyCount("by-user")).isEqualTo(1);
  }

  @Test
  void should_reject_an_unknown_rule_id_naming_it() {
    DetectionEngine engine = engine(TestRules.threshold("by-ip").build());

    assertThatThrownBy(() -> engine.keyCount("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ruleId: no such rule, was nope; known: [by-ip]");
  }

  @Test
  void should_reject_duplicate_rule_ids_naming_both() {
    Rule first = TestRules.threshold("dup").build();
    Rule second = TestRules.threshold("dup").count(5).build();

    assertThatThrownBy(() -> engine(first, second))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "rule dup (rules/test.yaml:1:3): id: must be unique,"
                + " already used by rule dup (rules/test.yaml:1:3)");
  }

  @Test
  void should_keep_key_count_bounded_under_a_flood_of_keys() {
    int maxKeys = 10_000;
    DetectionEngine engine =
        new DetectionEngine(
            List.of(TestRules.threshold("flood").count(5).build()),
            clock,
            new DetectorLimits(maxKeys),
            observer);
    Random random = new Random(42);
    int maxSeen = 0;
    int detections = 0;

    for (int i = 0; i < 1_000_000; i++) {
      Event event = event("e" + i).atMillis(i).ip("10.0." + random.nextInt(100_000)).build();
      detections += engine.process(event).size();
      maxSeen = Math.max(maxSeen, engine.keyCount("flood"));
    }

    assertThat(maxSeen).isEqualTo(maxKeys);
    assertThat(observer.evicted).isPositive();
    // keys that stay long enough in the LRU still fire
    assertThat(detections).isPositive();
  }

  @Test
  void should_carry_state_of_unchanged_rules_into_a_reloaded_engine_and_reset_changed_ones() {
    Rule kept = TestRules.threshold("kept").count(3).build();
    Rule changed = TestRules.threshold("changed").count(3).build();
    Rule removed = TestRules.threshold("removed").count(3).build();
    DetectionEngine first = engine(kept, changed, removed);
    first.process(event("e1").ip("1.1.1.1").build());
    first.process(event("e2").ip("1.1.1.1").build());

    DetectionEngine second =
        new DetectionEngine(
            List.of(
                TestRules.threshold("kept").count(3).build(),
                TestRules.threshold("changed").count(3).fingerprint("other").build(),
                TestRules.threshold("added").count(3).build()),
            clock,
            DetectorLimits.defaults(),
            observer,
            first);

    assertThat(second.fates())
        .containsExactly(
            java.util.Map.entry("kept", DetectionEngine.StateFate.KEPT),
            java.util.Map.entry("changed", DetectionEngine.StateFate.RESET),
            java.util.Map.entry("added", DetectionEngine.StateFate.NEW));
    assertThat(second.removedRules()).containsExactly("removed");
    assertThat(second.keyCount("kept")).isEqualTo(1);
    assertThat(second.keyCount("changed")).isZero();
    // the kept window holds e1 and e2: the third event fires it, the reset one needs two more
    assertThat(second.process(event("e3").ip("1.1.1.1").build()))
        .extracting(Detection::ruleId)
        .containsExactly("kept");
  }

  @Test
  void should_reset_a_rule_whose_version_changed_even_with_the_same_definition() {
    DetectionEngine first = engine(TestRules.threshold("r").version("1").fingerprint("f").build());
    first.process(event("e1").ip("1.1.1.1").build());

    DetectionEngine second =
        new DetectionEngine(
            List.of(TestRules.threshold("r").version("2").fingerprint("f").build()),
            clock,
            DetectorLimits.defaults(),
            observer,
            first);

    assertThat(second.fates()).containsEntry("r", DetectionEngine.StateFate.RESET);
    assertThat(second.keyCount("r")).isZero();
  }

  @Test
  void should_advance_only_rules_with_timers_and_restore_them() {
    Rule absence =
        TestRules.absence(
                "cart",
                java.time.Duration.ofMinutes(30),
                java.time.Duration.ZERO,
                dev.tripline.rules.AbsenceSpec.OnRepeatStart.RESET)
            .build();
    DetectionEngine engine = engine(TestRules.threshold("burst").build(), absence);
    engine.restore(
        "cart",
        new TimerState(
            List.of("u1"),
            clock.instant().minusSeconds(3600),
            clock.instant().minusSeconds(1800),
            List.of("c1"),
            1));

    assertThat(engine.hasTimers()).isTrue();
    assertThat(engine.timers("cart")).hasSize(1);
    TimerState pending = engine.timers("cart").get(0);
    assertThat(engine.timers("burst")).isEmpty();
    assertThat(engine.advance(clock.instant()))
        .extracting(Detection::ruleId, Detection::lastEventId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("cart", "c1"));
    assertThatThrownBy(() -> engine.restore("burst", pending))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void should_keep_state_when_only_severity_or_labels_change_and_use_the_new_ones() {
    DetectionEngine first = engine(TestRules.threshold("r").count(2).build());
    first.process(event("e1").ip("1.1.1.1").build());

    DetectionEngine second =
        new DetectionEngine(
            List.of(
                TestRules.threshold("r")
                    .count(2)
                    .severity(dev.tripline.rules.Severity.CRITICAL)
                    .labels(java.util.Map.of("team", "ops"))
                    .build()),
            clock,
            DetectorLimits.defaults(),
            observer,
            first);
    List<Detection> fired = second.process(event("e2").ip("1.1.1.1").build());

    assertThat(second.fates()).containsEntry("r", DetectionEngine.StateFate.KEPT);
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).severity()).isEqualTo("critical");
    assertThat(fired.get(0).labels()).containsEntry("team", "ops");
    assertThat(second.rules().get(0).severity()).isEqualTo(dev.tripline.rules.Severity.CRITICAL);
  }
}
