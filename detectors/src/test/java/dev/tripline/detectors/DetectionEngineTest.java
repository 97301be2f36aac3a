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
}
