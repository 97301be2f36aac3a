package dev.tripline.detectors;

import static dev.tripline.detectors.TestEvents.T0;
import static dev.tripline.detectors.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.rules.Condition;
import dev.tripline.rules.Event;
import dev.tripline.rules.EventFilter;
import dev.tripline.rules.SequenceSpec;
import dev.tripline.rules.SequenceSpec.FireOn;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SequenceDetectorTest {

  static final String VIEW = "view_product";
  static final String CART = "add_to_cart";
  static final String CHECKOUT = "begin_checkout";
  static final String ORDER = "order_completed";

  private static final Duration HOUR = Duration.ofHours(1);

  /** The engine's clock starts at the events' T0, as for live traffic. */
  private final FakeClock clock = new FakeClock(T0);

  private final RecordingObserver observer = new RecordingObserver();

  private SequenceDetector detector(TestRules rule) {
    return detector(rule, DetectorLimits.defaults());
  }

  private SequenceDetector detector(TestRules rule, DetectorLimits limits) {
    return new SequenceDetector(rule.build(), clock, limits, observer);
  }

  /** The checkout funnel, firing on a drop-off whose missing step is one of {@code atStep}. */
  private static TestRules dropOff(Integer... atStep) {
    return TestRules.sequence("dropoff")
        .detector(
            new SequenceSpec(
                TestRules.checkoutSteps(),
                List.of("userId"),
                HOUR,
                FireOn.TIMEOUT_AT_STEP,
                Set.of(atStep)));
  }

  private static Event step(String id, String type, String user, Duration at) {
    return event(id).type(type).user(user).at(at).build();
  }

  private static Duration minutes(long m) {
    return Duration.ofMinutes(m);
  }

  /** Feeds events in order; returns the detections they made. */
  private static List<Detection> feed(Detector detector, Event... events) {
    List<Detection> fired = new ArrayList<>();
    for (Event event : events) {
      detector.onEvent(event).ifPresent(fired::add);
    }
    return fired;
  }

  /** The four steps for {@code user}, at the given minutes after T0, ids {@code <user>-1..4}. */
  private static Event[] funnel(String user, long... atMinutes) {
    String[] types = {VIEW, CART, CHECKOUT, ORDER};
    Event[] events = new Event[atMinutes.length];
    for (int i = 0; i < atMinutes.length; i++) {
      events[i] = step(user + "-" + (i + 1), types[i], user, minutes(atMinutes[i]));
    }
    return events;
  }

  /** The timer journal, each save with its steps done and events: {@code saved [u1] 2 [a, b]}. */
  private List<String> journal() {
    List<String> journal = new ArrayList<>();
    Iterator<TimerState> saved = observer.saved.iterator();
    for (String call : observer.timerCalls) {
      if (call.startsWith("saved ")) {
        TimerState state = saved.next();
        call = "saved " + state.key() + " " + state.count() + " " + state.eventIds();
      }
      journal.add(call);
    }
    return journal;
  }

  /** Moves the engine's clock to T0 plus {@code at} and fires what is due. */
  private List<Detection> advanceTo(Detector detector, Duration at) {
    Instant now = T0.plus(at);
    clock.advance(Duration.between(clock.instant(), now));
    return detector.advance(now);
  }

  @Test
  void should_fire_when_every_step_happens_in_order_within_the_span_with_its_provenance() {
    SequenceDetector detector = detector(TestRules.sequence("funnel"));

    List<Detection> fired = feed(detector, funnel("u1", 0, 5, 10, 20));

    assertThat(fired).hasSize(1);
    Detection d = fired.get(0);
    assertThat(d.ruleId()).isEqualTo("funnel");
    assertThat(d.key()).isEqualTo(Map.of("userId", "u1"));
    assertThat(d.windowStart()).isEqualTo(T0);
    assertThat(d.windowEnd()).isEqualTo(T0.plus(minutes(20)));
    assertThat(d.count()).isEqualTo(4);
    assertThat(d.values())
        .containsExactly(
            Map.entry("steps", 4), Map.entry("seconds", 1200.0), Map.entry("within", "1h"));
    assertThat(d.eventIds()).containsExactly("u1-1", "u1-2", "u1-3", "u1-4");
    assertThat(d.firstEventId()).isEqualTo("u1-1");
    assertThat(d.lastEventId()).isEqualTo("u1-4");
    assertThat(d.detectedAt()).isEqualTo(clock.instant());
    assertThat(d.destinations()).containsExactly("crm-alerts");
    assertThat(d.id())
        .as("deterministic")
        .isEqualTo(
            feed(detector(TestRules.sequence("funnel")), funnel("u1", 0, 5, 10, 20)).get(0).id());
    assertThat(detector.keyCount()).as("the sequence ended").isZero();
    assertThat(advanceTo(detector, HOUR.multipliedBy(2))).isEmpty();
  }

  @ParameterizedTest(name = "last step at {0} min fires: {1}")
  @CsvSource({"59, true", "60, true", "61, false"})
  void should_fire_only_when_the_last_step_is_within_the_span_of_the_first(
      long lastAt, boolean fires) {
    SequenceDetector detector = detector(TestRules.sequence("funnel"));

    List<Detection> fired = feed(detector, funnel("u1", 0, 10, 20, lastAt));

    assertThat(fired).hasSize(fires ? 1 : 0);
    assertThat(detector.keyCount()).isZero();
  }

  @Test
  void should_not_advance_on_a_step_earlier_than_the_previous_one() {
    SequenceDetector detector = detector(TestRules.sequence("funnel"));

    List<Detection> fired =
        feed(
            detector,
            step("v", VIEW, "u1", minutes(0)),
            step("c", CART, "u1", minutes(10)),
            step("early", CHECKOUT, "u1", minutes(5)),
            step("o-too-soon", ORDER, "u1", minutes(12)),
            step("b", CHECKOUT, "u1", minutes(15)),
            step("o", ORDER, "u1", minutes(16)));

    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).eventIds()).containsExactly("v", "c", "b", "o");
  }

  @Test
  void should_ignore_a_step_that_skips_ahead_or_repeats_one_done() {
    SequenceDetector detector = detector(TestRules.sequence("funnel"));

    List<Detection> fired =
        feed(
            detector,
            step("v", VIEW, "u1", minutes(0)),
            step("skip", CHECKOUT, "u1", minutes(1)),
            step("c", CART, "u1", minutes(2)),
            step("c-again", CART, "u1", minutes(3)),
            step("b", CHECKOUT, "u1", minutes(4)),
            step("o", ORDER, "u1", minutes(5)));

    assertThat(fired)
        .singleElement()
        .satisfies(d -> assertThat(d.eventIds()).containsExactly("v", "c", "b", "o"));
  }

  @Test
  void should_ignore_a_repeated_first_step_without_restarting_the_funnel() {
    SequenceDetector detector = detector(TestRules.sequence("funnel"));

    List<Detection> fired =
        feed(
            detector,
            step("v1", VIEW, "u1", minutes(0)),
            step("v2", VIEW, "u1", minutes(40)),
            step("c", CART, "u1", minutes(45)),
            step("b", CHECKOUT, "u1", minutes(50)),
            step("o", ORDER, "u1", minutes(70)));

    assertThat(fired).as("the deadline stays an hour after the first view").isEmpty();
    assertThat(journal())
        .containsExactly(
            "saved [u1] 1 [v1]",
            "saved [u1] 2 [v1, c]",
            "saved [u1] 3 [v1, c, b]",
            // the order came after the deadline: it settles the sequence, and is no step 1
            "removed [u1]");
  }

  @Test
  void should_keep_keys_apart_and_skip_events_without_the_key() {
    SequenceDetector detector = detector(TestRules.sequence("funnel"));

    List<Detection> fired =
        feed(
            detector,
            step("v1", VIEW, "u1", minutes(0)),
            step("c2", CART, "u2", minutes(1)),
            event("anon").type(CART).at(minutes(2)).build(),
            step("v2", VIEW, "u2", minutes(3)));

    assertThat(fired).isEmpty();
    assertThat(detector.keyCount()).isEqualTo(2);
    assertThat(detector.keyState(List.of("u1")).orElseThrow()).containsEntry("stepsDone", 1);
    assertThat(detector.keyState(List.of("u2")).orElseThrow())
        .containsEntry("stepsDone", 1)
        .containsEntry("eventIds", List.of("v2"));
  }

  @Test
  void should_fire_a_drop_off_once_when_the_span_runs_out_at_the_configured_step() {
    SequenceDetector detector = detector(dropOff(4));
    assertThat(feed(detector, funnel("u1", 0, 5, 10))).isEmpty();

    assertThat(advanceTo(detector, minutes(60).minusMillis(1))).isEmpty();
    List<Detection> fired = advanceTo(detector, minutes(60));
    assertThat(advanceTo(detector, minutes(600))).as("once").isEmpty();

    assertThat(fired).hasSize(1);
    Detection d = fired.get(0);
    assertThat(d.ruleId()).isEqualTo("dropoff");
    assertThat(d.key()).isEqualTo(Map.of("userId", "u1"));
    assertThat(d.windowStart()).isEqualTo(T0);
    assertThat(d.windowEnd()).as("the deadline").isEqualTo(T0.plus(HOUR));
    assertThat(d.count()).isEqualTo(3);
    assertThat(d.values())
        .containsExactly(
            Map.entry("missingStep", 4),
            Map.entry("missingTypes", ORDER),
            Map.entry("stepsDone", 3),
            Map.entry("within", "1h"));
    assertThat(d.eventIds()).containsExactly("u1-1", "u1-2", "u1-3");
    assertThat(d.firstEventId()).isEqualTo("u1-1");
    assertThat(d.lastEventId()).isEqualTo("u1-3");
    assertThat(d.detectedAt()).isEqualTo(T0.plus(HOUR));
    assertThat(detector.keyCount()).isZero();
  }

  @Test
  void should_not_fire_a_drop_off_at_a_step_not_configured_nor_on_completion() {
    SequenceDetector detector = detector(dropOff(4));

    List<Detection> fired = new ArrayList<>();
    fired.addAll(feed(detector, funnel("stops-at-1", 0)));
    fired.addAll(feed(detector, funnel("stops-at-2", 0, 1)));
    fired.addAll(feed(detector, funnel("completes", 0, 1, 2, 3)));
    fired.addAll(advanceTo(detector, minutes(120)));

    assertThat(fired).isEmpty();
    assertThat(detector.keyCount()).isZero();
    assertThat(journal())
        .filteredOn(call -> call.startsWith("removed"))
        .containsExactlyInAnyOrder(
            "removed [completes]", "removed [stops-at-1]", "removed [stops-at-2]");
  }

  @Test
  void should_fire_at_each_step_of_an_at_step_list() {
    SequenceDetector detector = detector(dropOff(2, 3));
    feed(detector, funnel("at-2", 0));
    feed(detector, funnel("at-3", 1, 2));
    feed(detector, funnel("at-4", 2, 3, 4));

    List<Detection> fired = advanceTo(detector, minutes(120));

    assertThat(fired)
        .extracting(d -> d.key().get("userId"), d -> d.values().get("missingStep"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("at-2", 2),
            org.assertj.core.groups.Tuple.tuple("at-3", 3));
    assertThat(fired.get(0).values()).containsEntry("missingTypes", CART);
  }

  @Test
  void should_name_a_missing_step_of_several_types_or_of_any_type() {
    SequenceSpec spec =
        new SequenceSpec(
            List.of(
                TestRules.step(VIEW),
                new EventFilter(Set.of(CHECKOUT, CART), Condition.ALWAYS, ""),
                EventFilter.ANY),
            List.of("userId"),
            HOUR,
            FireOn.TIMEOUT_AT_STEP,
            Set.of(2, 3));
    SequenceDetector detector = detector(TestRules.sequence("r").detector(spec));
    feed(detector, step("a", VIEW, "u1", minutes(0)));
    feed(detector, step("b", VIEW, "u2", minutes(1)), step("c", CART, "u2", minutes(2)));

    assertThat(advanceTo(detector, HOUR.multipliedBy(2)))
        .extracting(d -> d.values().get("missingTypes"))
        .containsExactly("add_to_cart,begin_checkout", "any event");
  }

  @Test
  void should_settle_a_sequence_that_ran_out_when_a_later_event_comes_before_its_timer() {
    SequenceDetector detector = detector(dropOff(4));
    feed(detector, funnel("u1", 0, 5, 10));

    // the engine's clock lags: the timer is not due yet, but this view is two hours later
    Event late = step("v2", VIEW, "u1", minutes(120));
    List<Detection> settled = feed(detector, late);

    assertThat(settled).hasSize(1);
    assertThat(settled.get(0).values()).containsEntry("missingStep", 4);
    assertThat(settled.get(0).windowEnd()).isEqualTo(T0.plus(HOUR));
    assertThat(detector.keyState(List.of("u1")).orElseThrow())
        .as("the late view opened a new sequence")
        .containsEntry("startedAt", T0.plus(minutes(120)).toString())
        .containsEntry("eventIds", List.of("v2"));
    assertThat(advanceTo(detector, minutes(119))).as("the old timer is gone").isEmpty();
    assertThat(journal())
        .containsSubsequence(
            "saved [u1] 3 [u1-1, u1-2, u1-3]", "removed [u1]", "saved [u1] 1 [v2]");
  }

  @Test
  void should_hold_the_cooldown_per_key_from_the_detection_time() {
    // completions at 20 min, 1 h 25 min and 2 h 20 min; the cooldown of 2 h runs from the first
    SequenceDetector detector =
        detector(TestRules.sequence("funnel").cooldown(Duration.ofHours(2)));

    List<Detection> fired = new ArrayList<>();
    fired.addAll(feed(detector, funnel("u1", 0, 5, 10, 20)));
    fired.addAll(feed(detector, funnel("u1", 70, 75, 80, 85)));
    fired.addAll(feed(detector, funnel("u2", 70, 75, 80, 85)));
    fired.addAll(
        feed(
            detector,
            step("late-1", VIEW, "u1", minutes(135)),
            step("late-2", CART, "u1", minutes(136)),
            step("late-3", CHECKOUT, "u1", minutes(137)),
            step("late-4", ORDER, "u1", minutes(140))));

    assertThat(fired)
        .extracting(Detection::lastEventId)
        .as("u1's second completion is within the cooldown; u2 has its own")
        .containsExactly("u1-4", "u2-4", "late-4");
    assertThat(detector.keyState(List.of("u1")).orElseThrow())
        .containsEntry("cooldownUntil", T0.plus(minutes(260)).toString());
  }

  @Test
  void should_hold_the_cooldown_for_drop_offs_from_the_deadline() {
    SequenceDetector detector = detector(dropOff(2).cooldown(Duration.ofHours(3)));

    List<Detection> fired = new ArrayList<>();
    feed(detector, step("a", VIEW, "u1", minutes(0)));
    fired.addAll(advanceTo(detector, minutes(60)));
    feed(detector, step("b", VIEW, "u1", minutes(90)));
    fired.addAll(advanceTo(detector, minutes(150)));
    feed(detector, step("c", VIEW, "u1", minutes(180)));
    fired.addAll(advanceTo(detector, minutes(240)));

    assertThat(fired)
        .as("b's deadline (2 h 30) is before 1 h + 3 h; c's (4 h) is not")
        .extracting(Detection::firstEventId)
        .containsExactly("a", "c");
  }

  @Test
  void should_restore_timers_and_fire_an_overdue_one_once() {
    SequenceDetector before = detector(dropOff(4));
    feed(before, funnel("u1", 0, 5, 10));
    feed(before, funnel("u2", 30));
    List<TimerState> saved = before.timers();
    assertThat(saved).extracting(TimerState::count).containsExactlyInAnyOrder(3, 1);

    // a restart three hours later
    clock.advance(Duration.ofHours(3));
    SequenceDetector after = detector(dropOff(4));
    saved.forEach(after::restore);

    assertThat(after.timers()).containsExactlyInAnyOrderElementsOf(saved);
    List<Detection> fired = after.advance(clock.instant());
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).eventIds()).containsExactly("u1-1", "u1-2", "u1-3");
    assertThat(fired.get(0).id())
        .as("the same detection as without the restart")
        .isEqualTo(before.advance(clock.instant()).get(0).id());
    assertThat(after.advance(clock.instant().plusSeconds(1))).isEmpty();
    assertThat(after.keyCount()).isZero();
  }

  @Test
  void should_restore_the_time_of_the_last_step_so_that_out_of_order_steps_stay_ignored() {
    SequenceDetector before = detector(TestRules.sequence("funnel"));
    feed(before, funnel("u1", 0, 20));
    TimerState state = before.timers().get(0);
    assertThat(state.lastEventAt()).isEqualTo(T0.plus(minutes(20)));

    SequenceDetector after = detector(TestRules.sequence("funnel"));
    after.restore(state);

    assertThat(
            feed(
                after,
                step("early", CHECKOUT, "u1", minutes(10)),
                step("b", CHECKOUT, "u1", minutes(25)),
                step("o", ORDER, "u1", minutes(30))))
        .singleElement()
        .satisfies(d -> assertThat(d.eventIds()).containsExactly("u1-1", "u1-2", "b", "o"));
  }

  @Test
  void should_refuse_to_restore_a_timer_whose_steps_do_not_fit_the_rule() {
    SequenceDetector detector = detector(TestRules.sequence("funnel"));
    TimerState done =
        new TimerState(List.of("u1"), T0, T0.plus(HOUR), List.of("a", "b", "c", "d"), 4);

    assertThatThrownBy(() -> detector.restore(done))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "rule funnel (rules/test.yaml:1:3): timer of key [u1]: count must be in 1..3 (steps"
                + " done), was 4");
  }

  @Test
  void should_refuse_and_report_a_new_sequence_beyond_max_timers_per_rule() {
    SequenceDetector detector = detector(TestRules.sequence("funnel"), new DetectorLimits(100, 2));

    List<Detection> fired = new ArrayList<>();
    fired.addAll(feed(detector, funnel("u1", 0)));
    fired.addAll(feed(detector, funnel("u2", 0)));
    fired.addAll(feed(detector, funnel("u3", 0, 1, 2, 3)));
    fired.addAll(feed(detector, step("c", CART, "u1", minutes(1))));
    fired.addAll(feed(detector, step("b", CHECKOUT, "u1", minutes(2))));
    fired.addAll(feed(detector, step("o", ORDER, "u1", minutes(3))));

    assertThat(observer.refused).containsExactly("u3-1");
    assertThat(fired)
        .as("sequences in progress go on; u3's later steps found no sequence")
        .extracting(Detection::lastEventId)
        .containsExactly("o");
    assertThat(detector.keyCount()).isEqualTo(1);
  }

  @Test
  void should_journal_every_timer_change_in_order() {
    SequenceDetector detector = detector(dropOff(2));

    feed(detector, funnel("u1", 0, 1, 2, 3));
    feed(detector, funnel("u2", 0));
    advanceTo(detector, HOUR);

    assertThat(journal())
        .containsExactly(
            "saved [u1] 1 [u1-1]",
            "saved [u1] 2 [u1-1, u1-2]",
            "saved [u1] 3 [u1-1, u1-2, u1-3]",
            "removed [u1]",
            "saved [u2] 1 [u2-1]",
            "removed [u2]");
  }

  @Test
  void should_describe_a_key_in_progress_and_its_cooldown() {
    SequenceDetector detector = detector(dropOff(2, 3).cooldown(Duration.ofHours(1)));
    feed(detector, funnel("u1", 0, 10));

    assertThat(detector.keyState(List.of("u1")))
        .contains(
            Map.of(
                "startedAt", T0.toString(),
                "lastStepAt", T0.plus(minutes(10)).toString(),
                "deadline", T0.plus(HOUR).toString(),
                "stepsDone", 2,
                "nextStep", 3,
                "nextTypes", CHECKOUT,
                "eventIds", List.of("u1-1", "u1-2")));
    assertThat(detector.keyState(List.of("u2"))).isEmpty();

    advanceTo(detector, HOUR);
    assertThat(detector.keyState(List.of("u1")))
        .contains(Map.of("cooldownUntil", T0.plus(HOUR.multipliedBy(2)).toString()));
  }

  @Test
  void should_match_each_step_with_its_where_and_report_a_failing_one() {
    Condition paid =
        event -> {
          Object total = event.properties().get("total");
          if (total == null) {
            throw new IllegalStateException("no total");
          }
          return ((Number) total).doubleValue() > 0;
        };
    List<EventFilter> steps =
        List.of(
            TestRules.step(VIEW),
            new EventFilter(Set.of(ORDER), paid, "event.properties.total > 0"));
    SequenceDetector detector =
        detector(
            TestRules.sequence("paid").detector(new SequenceSpec(steps, List.of("userId"), HOUR)));

    List<Detection> fired =
        feed(
            detector,
            step("v", VIEW, "u1", minutes(0)),
            event("free").type(ORDER).user("u1").at(minutes(1)).property("total", 0).build(),
            event("broken").type(ORDER).user("u1").at(minutes(2)).build(),
            event("paid").type(ORDER).user("u1").at(minutes(3)).property("total", 12.5).build());

    assertThat(fired)
        .singleElement()
        .satisfies(d -> assertThat(d.eventIds()).containsExactly("v", "paid"));
    assertThat(observer.failures)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.eventId()).isEqualTo("broken");
              assertThat(f.failure())
                  .hasMessage(
                      "rule paid (rules/test.yaml:1:3): detect.sequence.steps[1].where: failed on"
                          + " event broken");
            });
  }

  @Test
  void should_run_through_the_engine_and_fire_when_the_engine_advances() {
    DetectionEngine engine =
        new DetectionEngine(
            List.of(dropOff(4).build(), TestRules.sequence("funnel").build()),
            clock,
            DetectorLimits.defaults(),
            observer);

    List<Detection> fired = new ArrayList<>();
    for (Event event : funnel("u1", 0, 1, 2)) {
      fired.addAll(engine.process(event));
    }
    clock.advance(HOUR);
    fired.addAll(engine.advance(clock.instant()));

    assertThat(engine.hasTimers()).isTrue();
    assertThat(fired).extracting(Detection::ruleId).containsExactly("dropoff");
    assertThat(engine.timers("funnel")).isEmpty();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1 | 1h | complete | | detect.sequence.steps: must have at least 2 steps, had 1",
        "2 | 0s | complete | | detect.sequence.within: must be > 0s, was PT0S",
        "2 | 1h | complete | 2 | detect.sequence.at_step: is only allowed with fire_on:"
            + " timeout_at_step",
        "2 | 1h | timeout_at_step | 1 | detect.sequence.at_step: must be in 2..2, was 1",
        "2 | 1h | timeout_at_step | 3 | detect.sequence.at_step: must be in 2..2, was 3",
      })
  void should_refuse_options_out_of_range_naming_the_rule(
      int stepCount, String within, String fireOn, Integer atStep, String expected) {
    SequenceSpec spec =
        new SequenceSpec(
            TestRules.checkoutSteps().subList(0, stepCount),
            List.of("userId"),
            dev.tripline.rules.Durations.parse(within),
            FireOn.valueOf(fireOn.toUpperCase(java.util.Locale.ROOT)),
            atStep == null ? null : Set.of(atStep));

    assertThatThrownBy(() -> detector(TestRules.sequence("r").detector(spec)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rule r (rules/test.yaml:1:3): " + expected);
  }
}
