package dev.tripline.detectors;

import static dev.tripline.detectors.TestEvents.T0;
import static dev.tripline.detectors.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.rules.AbsenceSpec;
import dev.tripline.rules.AbsenceSpec.OnRepeatStart;
import dev.tripline.rules.Condition;
import dev.tripline.rules.Event;
import dev.tripline.rules.EventFilter;
import dev.tripline.rules.NewKeyRate;
import dev.tripline.rules.NewKeys;
import dev.tripline.rules.Rule;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code new_keys}: an admission filter and a token bucket on the engine's (fake) clock that limits
 * how fast a rule takes on keys it holds nothing for, in every detector kind, while the keys it
 * holds keep working.
 */
class NewKeyAdmissionTest {

  private static final Duration AFTER = Duration.ofMinutes(30);

  /** The engine's clock; event times are independent of it. */
  private final FakeClock clock = new FakeClock(T0);

  private final RecordingObserver observer = new RecordingObserver();

  /** Cart abandonment admitting 2 new keys at once, then one every 10 s. */
  private AbsenceDetector cartAbandon() {
    return new AbsenceDetector(
        TestRules.absence("cart-abandon", AFTER, Duration.ZERO, OnRepeatStart.RESET)
            .newKeys(1, Duration.ofSeconds(10), 2)
            .build(),
        clock,
        DetectorLimits.defaults(),
        observer);
  }

  private static Event cart(String id, String user) {
    return event(id).type("add_to_cart").user(user).build();
  }

  private static Event order(String id, String user) {
    return event(id).type("order_completed").user(user).at(Duration.ofMinutes(1)).build();
  }

  @Test
  void should_refuse_new_keys_past_the_burst_and_refill_as_the_clock_advances() {
    AbsenceDetector detector = cartAbandon();

    detector.onEvent(cart("c1", "u1"));
    detector.onEvent(cart("c2", "u2"));
    detector.onEvent(cart("c3", "u3"));
    assertThat(observer.rateRefused).containsExactly("c3");
    assertThat(detector.keyCount()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(9));
    detector.onEvent(cart("c4", "u4"));
    assertThat(observer.rateRefused).as("9 s give 0.9 of a token").containsExactly("c3", "c4");

    clock.advance(Duration.ofSeconds(1));
    detector.onEvent(cart("c5", "u3"));
    detector.onEvent(cart("c6", "u5"));
    assertThat(observer.rateRefused).as("10 s give one").containsExactly("c3", "c4", "c6");
    assertThat(detector.timers()).extracting(t -> t.key().get(0)).contains("u1", "u2", "u3");

    clock.advance(Duration.ofHours(1));
    detector.onEvent(cart("c7", "u6"));
    detector.onEvent(cart("c8", "u7"));
    detector.onEvent(cart("c9", "u8"));
    assertThat(observer.rateRefused)
        .as("a quiet hour refills the bucket to its burst, no more")
        .containsExactly("c3", "c4", "c6", "c9");
    assertThat(observer.refused).as("nothing refused for lack of room").isEmpty();
  }

  @Test
  void should_keep_serving_the_keys_it_holds_while_new_ones_are_refused() {
    AbsenceDetector detector = cartAbandon();
    detector.onEvent(cart("c1", "u1"));
    detector.onEvent(cart("c2", "u2"));
    for (int i = 0; i < 100; i++) {
      detector.onEvent(cart("flood-" + i, "forged-" + i));
    }
    assertThat(observer.rateRefused).hasSize(100);

    // u1 starts again (a repeat, not a new key) and u2 orders: neither needs a token
    detector.onEvent(event("c3").type("add_to_cart").user("u1").at(Duration.ofMinutes(5)).build());
    detector.onEvent(order("o2", "u2"));
    assertThat(observer.rateRefused).hasSize(100);
    assertThat(detector.keyCount()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(35));
    List<Detection> fired = detector.advance(clock.instant());
    assertThat(fired).extracting(Detection::lastEventId).containsExactly("c3");
  }

  @Test
  void should_not_count_an_inactivity_rules_cancel_and_restart_of_a_held_key_as_new() {
    EventFilter any = new EventFilter(Set.of(), Condition.ALWAYS, "");
    AbsenceDetector detector =
        new AbsenceDetector(
            TestRules.threshold("inactive-user")
                .detector(
                    new AbsenceSpec(
                        any,
                        any,
                        List.of("userId"),
                        Duration.ofDays(14),
                        Duration.ZERO,
                        OnRepeatStart.RESET))
                .newKeys(1, Duration.ofHours(1), 1)
                .build(),
            clock,
            DetectorLimits.defaults(),
            observer);

    detector.onEvent(event("e1").type("login").user("u1").build());
    for (int i = 2; i <= 50; i++) {
      detector.onEvent(event("e" + i).type("page_view").user("u1").atSeconds(i).build());
    }
    detector.onEvent(event("x1").type("login").user("u2").atSeconds(60).build());

    assertThat(observer.rateRefused).containsExactly("x1");
    assertThat(detector.timers()).singleElement().satisfies(t -> assertThat(t.count()).isOne());
  }

  @Test
  void should_open_a_key_only_from_an_admitted_event_and_keep_it_on_any_other() {
    EventFilter any = new EventFilter(Set.of(), Condition.ALWAYS, "");
    EventFilter identified = new EventFilter(Set.of("signup", "login"), Condition.ALWAYS, "");
    AbsenceDetector detector =
        new AbsenceDetector(
            TestRules.threshold("inactive-user")
                .detector(
                    new AbsenceSpec(
                        any,
                        any,
                        List.of("userId"),
                        Duration.ofDays(14),
                        Duration.ZERO,
                        OnRepeatStart.RESET))
                .newKeys(new NewKeys(identified, Optional.empty()))
                .build(),
            clock,
            DetectorLimits.defaults(),
            observer);

    detector.onEvent(event("p1").type("page_view").user("u1").build());
    assertThat(detector.keyCount()).as("a page view opens nothing").isZero();
    detector.onEvent(event("l1").type("login").user("u1").atSeconds(1).build());
    detector.onEvent(event("p2").type("page_view").user("u1").at(Duration.ofDays(3)).build());

    assertThat(detector.timers())
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.startedAt())
                    .as("any event restarts a held key")
                    .isEqualTo(T0.plus(Duration.ofDays(3))));
    assertThat(observer.rateRefused).as("left out by the filter, not refused").isEmpty();
  }

  @Test
  void should_refuse_a_new_keys_first_step_but_advance_sequences_in_progress() {
    SequenceDetector detector =
        new SequenceDetector(
            TestRules.sequence("checkout").newKeys(1, Duration.ofMinutes(1), 1).build(),
            clock,
            DetectorLimits.defaults(),
            observer);

    detector.onEvent(event("v1").type("view_product").user("u1").build());
    detector.onEvent(event("v2").type("view_product").user("u2").build());
    detector.onEvent(event("c1").type("add_to_cart").user("u1").atSeconds(1).build());
    detector.onEvent(event("b1").type("begin_checkout").user("u1").atSeconds(2).build());
    Optional<Detection> done =
        detector.onEvent(event("o1").type("order_completed").user("u1").atSeconds(3).build());

    assertThat(observer.rateRefused).containsExactly("v2");
    assertThat(done).map(Detection::lastEventId).contains("o1");
  }

  @Test
  void should_refuse_new_window_keys_of_a_threshold_rule_and_count_the_held_ones() {
    ThresholdDetector detector =
        new ThresholdDetector(
            TestRules.threshold("repeat-ip").count(3).newKeys(1, Duration.ofSeconds(1), 1).build(),
            clock,
            DetectorLimits.defaults(),
            observer);

    detector.onEvent(event("a1").ip("203.0.113.1").build());
    detector.onEvent(event("b1").ip("203.0.113.2").build());
    detector.onEvent(event("a2").ip("203.0.113.1").atSeconds(1).build());
    Optional<Detection> third =
        detector.onEvent(event("a3").ip("203.0.113.1").atSeconds(2).build());

    assertThat(observer.rateRefused).containsExactly("b1");
    assertThat(detector.keyCount()).isEqualTo(1);
    assertThat(third).map(Detection::count).contains(3);
  }

  @Test
  void should_refuse_new_tracks_of_a_velocity_rule() {
    VelocityDetector detector =
        new VelocityDetector(
            TestRules.velocity("impossible-travel").newKeys(1, Duration.ofSeconds(1), 1).build(),
            clock,
            DetectorLimits.defaults(),
            observer);

    detector.onEvent(event("p1").user("u1").geo(48.8566, 2.3522).build());
    detector.onEvent(event("q1").user("u2").geo(48.8566, 2.3522).build());
    Optional<Detection> london =
        detector.onEvent(
            event("p2").user("u1").geo(51.5074, -0.1278).at(Duration.ofMinutes(10)).build());

    assertThat(observer.rateRefused).containsExactly("q1");
    assertThat(london).map(Detection::lastEventId).contains("p2");
  }

  @Test
  void should_not_spend_a_token_on_a_start_refused_for_lack_of_room() {
    AbsenceDetector detector =
        new AbsenceDetector(
            TestRules.absence("cart-abandon", AFTER, Duration.ZERO, OnRepeatStart.RESET)
                .newKeys(1, Duration.ofHours(1), 2)
                .build(),
            clock,
            new DetectorLimits(10, 1),
            observer);

    detector.onEvent(cart("c1", "u1"));
    detector.onEvent(cart("c2", "u2"));
    detector.onEvent(order("o1", "u1"));
    detector.onEvent(cart("c3", "u3"));

    assertThat(observer.refused).containsExactly("c2");
    assertThat(observer.rateRefused).isEmpty();
    assertThat(detector.timers()).extracting(t -> t.key().get(0)).containsExactly("u3");
  }

  @Test
  void should_take_a_reloaded_limit_without_resetting_the_rules_state() {
    Rule strict =
        TestRules.absence("cart-abandon", AFTER, Duration.ZERO, OnRepeatStart.RESET)
            .newKeys(1, Duration.ofHours(1), 1)
            .build();
    DetectionEngine first =
        new DetectionEngine(List.of(strict), clock, DetectorLimits.defaults(), observer);
    first.process(cart("c1", "u1"));
    first.process(cart("c2", "u2"));
    assertThat(observer.rateRefused).containsExactly("c2");

    Rule looser =
        TestRules.absence("cart-abandon", AFTER, Duration.ZERO, OnRepeatStart.RESET)
            .newKeys(1, Duration.ofSeconds(1), 1)
            .build();
    DetectionEngine second =
        new DetectionEngine(List.of(looser), clock, DetectorLimits.defaults(), observer, first);
    assertThat(second.fates()).containsEntry("cart-abandon", DetectionEngine.StateFate.KEPT);
    assertThat(second.timers("cart-abandon")).hasSize(1);

    second.process(cart("c3", "u3"));
    clock.advance(Duration.ofSeconds(1));
    second.process(cart("c4", "u4"));
    assertThat(observer.rateRefused).as("one a second now").containsExactly("c2", "c3");
    assertThat(second.timers("cart-abandon")).hasSize(2);
  }

  @Test
  void should_describe_a_rate_as_written_and_default_its_burst_to_one_period() {
    NewKeyRate limit = new NewKeyRate(2500, Duration.ofHours(1), 2500);

    assertThat(limit).hasToString("rate: 2500, per: 1h, burst: 2500");
    assertThat(limit.perSecond()).isCloseTo(0.694, org.assertj.core.data.Offset.offset(0.001));
    assertThat(NewKeyRate.defaultBurst(0.5)).isOne();
    assertThat(NewKeyRate.defaultBurst(2.5)).isEqualTo(3);
  }
}
