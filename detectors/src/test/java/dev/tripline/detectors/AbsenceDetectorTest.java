package dev.tripline.detectors;

import static dev.tripline.detectors.TestEvents.T0;
import static dev.tripline.detectors.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.rules.AbsenceSpec;
import dev.tripline.rules.AbsenceSpec.OnRepeatStart;
import dev.tripline.rules.Condition;
import dev.tripline.rules.ConditionException;
import dev.tripline.rules.Event;
import dev.tripline.rules.EventFilter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AbsenceDetectorTest {

  static final Duration AFTER = Duration.ofMinutes(30);
  static final Duration GRACE = Duration.ofMinutes(5);

  /** The engine clock runs with event time here: it starts at T0 and tests move it. */
  private final FakeClock clock = new FakeClock(T0);

  private final RecordingObserver observer = new RecordingObserver();

  private AbsenceDetector detector(TestRules rule) {
    return detector(rule, DetectorLimits.defaults());
  }

  private AbsenceDetector detector(TestRules rule, DetectorLimits limits) {
    return new AbsenceDetector(rule.build(), clock, limits, observer);
  }

  private AbsenceDetector cartAbandon(OnRepeatStart onRepeatStart) {
    return detector(TestRules.absence("cart-abandon", AFTER, GRACE, onRepeatStart));
  }

  private static Event cart(String id, String user, Duration at) {
    return event(id).type("add_to_cart").user(user).at(at).build();
  }

  private static Event order(String id, String user, Duration at) {
    return event(id).type("order_completed").user(user).at(at).build();
  }

  /** Moves the engine clock to T0 + {@code at} and fires what is due. */
  private List<Detection> advanceTo(AbsenceDetector detector, Duration at) {
    clock.advance(Duration.between(clock.instant(), T0.plus(at)));
    return detector.advance(clock.instant());
  }

  private static Duration min(long minutes) {
    return Duration.ofMinutes(minutes);
  }

  @Test
  void should_fire_after_plus_grace_after_a_start_without_cancel() {
    AbsenceDetector detector = cartAbandon(OnRepeatStart.RESET);

    assertThat(detector.onEvent(cart("c1", "u1", min(0)))).isEmpty();
    assertThat(advanceTo(detector, min(34))).isEmpty();
    List<Detection> fired = advanceTo(detector, min(35));

    assertThat(fired).hasSize(1);
    Detection detection = fired.get(0);
    assertThat(detection.ruleId()).isEqualTo("cart-abandon");
    assertThat(detection.key()).containsExactly(Map.entry("userId", "u1"));
    assertThat(detection.windowStart()).isEqualTo(T0);
    assertThat(detection.windowEnd()).isEqualTo(T0.plus(AFTER));
    assertThat(detection.eventIds()).containsExactly("c1");
    assertThat(detection.firstEventId()).isEqualTo("c1");
    assertThat(detection.lastEventId()).isEqualTo("c1");
    assertThat(detection.detectedAt()).isEqualTo(T0.plus(min(35)));
    assertThat(detection.values())
        .containsEntry("after", "30m")
        .containsEntry("starts", 1)
        .containsEntry("deadline", T0.plus(AFTER).toString())
        .containsEntry("missing", "order_completed");
    assertThat(detector.keyCount()).isZero();
    assertThat(advanceTo(detector, min(600))).isEmpty();
  }

  @Test
  void should_not_fire_when_a_cancel_comes_within_after() {
    AbsenceDetector detector = cartAbandon(OnRepeatStart.RESET);

    detector.onEvent(cart("c1", "u1", min(0)));
    detector.onEvent(order("o1", "u1", min(29)));

    assertThat(advanceTo(detector, min(120))).isEmpty();
    assertThat(detector.keyCount()).isZero();
    assertThat(observer.timerCalls)
        .containsExactly("saved [u1] " + T0.plus(min(35)), "removed [u1]");
  }

  @Test
  void should_let_a_late_cancel_within_grace_still_cancel() {
    AbsenceDetector detector = cartAbandon(OnRepeatStart.RESET);
    detector.onEvent(cart("c1", "u1", min(0)));

    // the deadline (30m) has passed on the clock, the grace (5m) has not
    assertThat(advanceTo(detector, min(33))).isEmpty();
    detector.onEvent(order("o1", "u1", min(28)));

    assertThat(advanceTo(detector, min(120))).isEmpty();
  }

  @Test
  void should_ignore_a_cancel_that_arrives_after_the_timer_fired() {
    AbsenceDetector detector = cartAbandon(OnRepeatStart.RESET);
    detector.onEvent(cart("c1", "u1", min(0)));

    assertThat(advanceTo(detector, min(36))).hasSize(1);
    assertThat(detector.onEvent(order("o1", "u1", min(28)))).isEmpty();
    assertThat(advanceTo(detector, min(120))).isEmpty();
  }

  @Test
  void should_not_cancel_with_a_cancel_after_the_deadline_or_before_the_start() {
    AbsenceDetector detector = cartAbandon(OnRepeatStart.RESET);
    detector.onEvent(cart("c1", "u1", min(10)));

    detector.onEvent(order("too-late", "u1", min(41)));
    detector.onEvent(order("earlier-episode", "u1", min(5)));

    assertThat(advanceTo(detector, min(45)))
        .extracting(Detection::lastEventId)
        .containsExactly("c1");
  }

  @Test
  void should_restart_the_deadline_on_a_repeated_start_with_reset() {
    AbsenceDetector detector = cartAbandon(OnRepeatStart.RESET);
    detector.onEvent(cart("c1", "u1", min(0)));
    detector.onEvent(cart("c2", "u1", min(20)));
    // an out-of-order older start moves nothing
    detector.onEvent(cart("c0", "u1", min(10)));

    assertThat(advanceTo(detector, min(54))).isEmpty();
    List<Detection> fired = advanceTo(detector, min(55));

    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).windowStart()).isEqualTo(T0.plus(min(20)));
    // first and latest start in event time: the late c0 is counted but not named last
    assertThat(fired.get(0).eventIds()).containsExactly("c1", "c2");
    assertThat(fired.get(0).count()).isEqualTo(3);
  }

  @Test
  void should_keep_the_first_deadline_on_a_repeated_start_with_ignore() {
    AbsenceDetector detector = cartAbandon(OnRepeatStart.IGNORE);
    detector.onEvent(cart("c1", "u1", min(0)));
    detector.onEvent(cart("c2", "u1", min(20)));

    List<Detection> fired = advanceTo(detector, min(35));

    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).windowStart()).isEqualTo(T0);
    assertThat(fired.get(0).eventIds()).containsExactly("c1", "c2");
    assertThat(fired.get(0).values()).containsEntry("starts", 2);
  }

  @Test
  void should_settle_an_overdue_timer_when_a_new_start_comes_after_its_deadline() {
    AbsenceDetector detector = cartAbandon(OnRepeatStart.RESET);
    detector.onEvent(cart("c1", "u1", min(0)));

    // a start whose event time is past the open timer's deadline: the key was absent for 30m
    Optional<Detection> settled = detector.onEvent(cart("c2", "u1", min(31)));

    assertThat(settled).map(Detection::lastEventId).contains("c1");
    assertThat(detector.keyCount()).isEqualTo(1);
    assertThat(advanceTo(detector, min(66)))
        .extracting(Detection::lastEventId)
        .containsExactly("c2");
  }

  @Test
  void should_express_inactivity_with_any_event_as_start_and_cancel() {
    Duration days14 = Duration.ofDays(14);
    AbsenceDetector detector =
        detector(
            TestRules.threshold("inactive")
                .detector(
                    new AbsenceSpec(
                        EventFilter.ANY,
                        EventFilter.ANY,
                        List.of("userId"),
                        days14,
                        Duration.ZERO,
                        OnRepeatStart.RESET)));

    detector.onEvent(event("e1").type("login").user("u1").at(Duration.ZERO).build());
    detector.onEvent(event("e2").type("page").user("u1").at(Duration.ofDays(10)).build());
    assertThat(advanceTo(detector, Duration.ofDays(20))).isEmpty();
    List<Detection> fired = advanceTo(detector, Duration.ofDays(24));

    assertThat(fired).extracting(Detection::lastEventId).containsExactly("e2");
    assertThat(fired.get(0).values()).containsEntry("missing", "any event");
  }

  @Test
  void should_hold_the_cooldown_between_detections_of_a_key() {
    AbsenceDetector detector =
        detector(
            TestRules.absence("cart-abandon", AFTER, Duration.ZERO, OnRepeatStart.RESET)
                .cooldown(Duration.ofHours(2)));
    detector.onEvent(cart("c1", "u1", min(0)));
    assertThat(advanceTo(detector, min(30))).hasSize(1);

    detector.onEvent(cart("c2", "u1", min(40)));
    assertThat(advanceTo(detector, min(70))).as("within the cooldown").isEmpty();
    detector.onEvent(cart("c3", "u1", min(130)));
    assertThat(advanceTo(detector, min(160)))
        .extracting(Detection::lastEventId)
        .containsExactly("c3");
  }

  @Test
  void should_fire_due_timers_in_due_order_across_keys() {
    AbsenceDetector detector = cartAbandon(OnRepeatStart.RESET);
    detector.onEvent(cart("c2", "u2", min(10)));
    detector.onEvent(cart("c1", "u1", min(0)));
    detector.onEvent(cart("c3", "u3", min(20)));

    assertThat(advanceTo(detector, min(50)))
        .extracting(Detection::lastEventId)
        .containsExactly("c1", "c2");
    assertThat(detector.keyCount()).isEqualTo(1);
  }

  @Test
  void should_restore_persisted_timers_and_fire_the_overdue_ones_once() {
    AbsenceDetector before = cartAbandon(OnRepeatStart.RESET);
    before.onEvent(cart("c1", "u1", min(0)));
    before.onEvent(cart("c2", "u2", min(60)));
    List<TimerState> persisted = before.timers();

    // the gateway was down until T0 + 50m: u1's timer (due 35m) is overdue, u2's (due 95m) is not
    clock.advance(min(50));
    AbsenceDetector after = cartAbandon(OnRepeatStart.RESET);
    persisted.forEach(after::restore);

    assertThat(after.advance(clock.instant()))
        .extracting(Detection::lastEventId)
        .containsExactly("c1");
    assertThat(after.advance(clock.instant())).isEmpty();
    assertThat(advanceTo(after, min(94))).isEmpty();
    assertThat(advanceTo(after, min(95))).extracting(Detection::lastEventId).containsExactly("c2");
  }

  @Test
  void should_refuse_and_report_starts_beyond_the_timer_limit() {
    AbsenceDetector detector =
        detector(
            TestRules.absence("cart-abandon", AFTER, GRACE, OnRepeatStart.RESET),
            new DetectorLimits(10, 2));
    detector.onEvent(cart("c1", "u1", min(0)));
    detector.onEvent(cart("c2", "u2", min(0)));
    detector.onEvent(cart("c3", "u3", min(0)));
    // a repeated start of a key that has a timer is not refused
    detector.onEvent(cart("c4", "u1", min(1)));

    assertThat(observer.refused).containsExactly("c3");
    assertThat(detector.keyCount()).isEqualTo(2);
  }

  @Test
  void should_skip_events_without_the_correlation_field_and_contain_failing_conditions() {
    Condition failing =
        e -> {
          throw new ConditionException("boom", null);
        };
    AbsenceDetector detector =
        detector(
            TestRules.threshold("cart-abandon")
                .detector(
                    new AbsenceSpec(
                        new EventFilter(Set.of("add_to_cart"), failing, "boom()"),
                        new EventFilter(Set.of("order_completed"), Condition.ALWAYS, ""),
                        List.of("userId"),
                        AFTER,
                        GRACE,
                        OnRepeatStart.RESET)));

    detector.onEvent(event("anon").type("add_to_cart").build());
    detector.onEvent(cart("c1", "u1", min(0)));

    assertThat(detector.keyCount()).isZero();
    assertThat(observer.failures).extracting(f -> f.eventId()).containsExactly("c1");
  }

  @Test
  void should_describe_a_keys_pending_timer() {
    AbsenceDetector detector = cartAbandon(OnRepeatStart.RESET);
    detector.onEvent(cart("c1", "u1", min(0)));

    assertThat(detector.keyState(List.of("u1")))
        .hasValueSatisfying(
            state ->
                assertThat(state)
                    .containsEntry("startedAt", T0.toString())
                    .containsEntry("deadline", T0.plus(AFTER).toString())
                    .containsEntry("due", T0.plus(AFTER).plus(GRACE).toString())
                    .containsEntry("starts", 1));
    assertThat(detector.keyState(List.of("u2"))).isEmpty();
  }

  @Test
  void should_reject_out_of_range_options_naming_the_rule() {
    assertThatThrownBy(
            () -> detector(TestRules.absence("r", Duration.ZERO, GRACE, OnRepeatStart.RESET)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rule r")
        .hasMessageEndingWith(": detect.absence.after: must be > 0s, was PT0S");
    assertThatThrownBy(() -> detector(TestRules.absence("r", AFTER, min(-1), OnRepeatStart.RESET)))
        .hasMessageEndingWith(": detect.absence.grace: must be >= 0s, was PT-1M");
  }

  @Test
  void should_count_a_cancel_exactly_at_the_deadline_as_late_whatever_the_driver_order() {
    AbsenceDetector advancedFirst =
        detector(TestRules.absence("cart-abandon", AFTER, Duration.ZERO, OnRepeatStart.RESET));
    advancedFirst.onEvent(cart("c1", "u1", min(0)));
    // a replay advances the clock to each event's time before the event
    List<Detection> fired = advanceTo(advancedFirst, min(30));
    advancedFirst.onEvent(order("o1", "u1", min(30)));

    clock.advance(Duration.between(clock.instant(), T0));
    AbsenceDetector eventFirst =
        detector(TestRules.absence("cart-abandon", AFTER, Duration.ZERO, OnRepeatStart.RESET));
    eventFirst.onEvent(cart("c1", "u1", min(0)));
    eventFirst.onEvent(order("o1", "u1", min(30)));

    assertThat(fired).hasSize(1);
    assertThat(advanceTo(eventFirst, min(30))).hasSize(1);
  }
}
