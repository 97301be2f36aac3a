package dev.tripline.detectors;

import static dev.tripline.detectors.TestEvents.T0;
import static dev.tripline.detectors.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.rules.AbsenceSpec.OnRepeatStart;
import dev.tripline.rules.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every detector's detections carry a bounded summary of their latest event. */
class LatestEventTest {

  private final FakeClock clock = new FakeClock(T0);
  private final RecordingObserver observer = new RecordingObserver();

  private static List<Detection> feed(Detector detector, Event... events) {
    List<Detection> fired = new ArrayList<>();
    for (Event event : events) {
      detector.onEvent(event).ifPresent(fired::add);
    }
    return fired;
  }

  @Test
  void should_summarise_the_event_that_crossed_a_threshold() {
    Detector detector =
        new ThresholdDetector(
            TestRules.threshold("r").count(2).build(), clock, DetectorLimits.defaults(), observer);

    List<Detection> fired =
        feed(
            detector,
            event("e1").atSeconds(1).ip("203.0.113.7").build(),
            event("e2")
                .atSeconds(2)
                .ip("203.0.113.7")
                .user("u1")
                .geo(37.56, 126.97, 30.0)
                .property("plan", "free")
                .build());

    EventSummary latest = fired.get(0).latest().orElseThrow();
    assertThat(latest.id()).isEqualTo("e2").isEqualTo(fired.get(0).lastEventId());
    assertThat(latest.type()).isEqualTo("signup");
    assertThat(latest.timestamp()).isEqualTo(T0.plusSeconds(2));
    assertThat(latest.userId()).isEqualTo("u1");
    assertThat(latest.ip()).isEqualTo("203.0.113.7");
    assertThat(latest.geo()).isEqualTo(new Event.Geo(37.56, 126.97, 30.0));
    assertThat(latest.properties()).containsExactly(Map.entry("plan", "free"));
    assertThat(latest.truncated()).isFalse();
  }

  @Test
  void should_summarise_the_point_that_arrived_last_for_velocity() {
    Detector detector =
        new VelocityDetector(
            TestRules.velocity("travel").build(), clock, DetectorLimits.defaults(), observer);

    List<Detection> fired =
        feed(
            detector,
            event("a").user("u1").geo(48.8566, 2.3522).build(),
            event("b").user("u1").at(Duration.ofHours(1)).geo(51.5074, -0.1278).build());

    assertThat(fired.get(0).latest()).map(EventSummary::id).contains("b");
    assertThat(fired.get(0).latest().orElseThrow().geo().lat()).isEqualTo(51.5074);
  }

  @Test
  void should_summarise_the_latest_start_of_an_absence_and_keep_it_across_a_restore() {
    AbsenceDetector before =
        new AbsenceDetector(
            TestRules.absence(
                    "cart-abandon", Duration.ofMinutes(30), Duration.ZERO, OnRepeatStart.RESET)
                .build(),
            clock,
            DetectorLimits.defaults(),
            observer);
    before.onEvent(event("c1").type("add_to_cart").user("u1").property("sku", "A1").build());
    before.onEvent(
        event("c2")
            .type("add_to_cart")
            .user("u1")
            .at(Duration.ofMinutes(5))
            .property("sku", "B2")
            .build());
    List<TimerState> persisted = before.timers();
    assertThat(persisted.get(0).latest()).isNotNull();

    AbsenceDetector after =
        new AbsenceDetector(
            TestRules.absence(
                    "cart-abandon", Duration.ofMinutes(30), Duration.ZERO, OnRepeatStart.RESET)
                .build(),
            clock,
            DetectorLimits.defaults(),
            observer);
    persisted.forEach(after::restore);
    clock.advance(Duration.ofMinutes(35));
    List<Detection> fired = after.advance(clock.instant());

    EventSummary latest = fired.get(0).latest().orElseThrow();
    assertThat(latest.id()).isEqualTo("c2").isEqualTo(fired.get(0).lastEventId());
    assertThat(latest.properties()).containsEntry("sku", "B2");
  }

  @Test
  void should_fire_a_restored_timer_without_a_summary_without_one() {
    AbsenceDetector detector =
        new AbsenceDetector(
            TestRules.absence(
                    "cart-abandon", Duration.ofMinutes(30), Duration.ZERO, OnRepeatStart.RESET)
                .build(),
            clock,
            DetectorLimits.defaults(),
            observer);
    detector.restore(new TimerState(List.of("u1"), T0, T0.plusSeconds(1800), List.of("c1"), 1));
    clock.advance(Duration.ofMinutes(30));

    List<Detection> fired = detector.advance(clock.instant());

    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).latest()).isEmpty();
  }

  @Test
  void should_summarise_the_latest_step_of_a_sequence_on_completion_and_on_a_drop_off() {
    Detector complete =
        new SequenceDetector(
            TestRules.sequence("funnel").build(), clock, DetectorLimits.defaults(), observer);
    String[] types = {"view_product", "add_to_cart", "begin_checkout", "order_completed"};
    List<Detection> fired =
        feed(
            complete,
            IntStream.range(0, 4)
                .mapToObj(
                    i -> event("s" + i).type(types[i]).user("u1").at(Duration.ofMinutes(i)).build())
                .toArray(Event[]::new));
    assertThat(fired.get(0).latest()).map(EventSummary::id).contains("s3");

    Detector dropOff =
        new SequenceDetector(
            TestRules.sequence("funnel")
                .detector(
                    new dev.tripline.rules.SequenceSpec(
                        TestRules.checkoutSteps(),
                        List.of("userId"),
                        Duration.ofHours(1),
                        dev.tripline.rules.SequenceSpec.FireOn.TIMEOUT_AT_STEP,
                        java.util.Set.of(3)))
                .build(),
            clock,
            DetectorLimits.defaults(),
            observer);
    feed(
        dropOff,
        event("v").type("view_product").user("u2").build(),
        event("c").type("add_to_cart").user("u2").at(Duration.ofMinutes(2)).build());
    clock.advance(Duration.ofHours(2));
    List<Detection> dropped = dropOff.advance(clock.instant());
    assertThat(dropped)
        .extracting(d -> d.latest().map(EventSummary::id))
        .containsExactly(Optional.of("c"));
  }

  @Test
  void should_bound_the_properties_and_say_so() {
    TestEvents builder = event("e").user("u1");
    builder.property("nested", Map.of("a", 1L));
    builder.property("long", "x".repeat(EventSummary.MAX_TEXT + 50));
    for (int i = 0; i < EventSummary.MAX_PROPERTIES + 5; i++) {
      builder.property("p" + i, (long) i);
    }

    EventSummary summary = EventSummary.of(builder.build());

    assertThat(summary.properties()).hasSize(EventSummary.MAX_PROPERTIES);
    assertThat(summary.properties()).doesNotContainKey("nested");
    assertThat((String) summary.properties().get("long")).hasSize(EventSummary.MAX_TEXT);
    assertThat(summary.truncated()).isTrue();
  }

  @Test
  void should_read_back_what_it_wrote() {
    EventSummary summary =
        EventSummary.of(
            event("e9")
                .user("u1")
                .ip("203.0.113.7")
                .geo(1.5, 2.5)
                .property("price", 19.9)
                .property("qty", 2L)
                .build());

    Map<String, Object> written = new java.util.LinkedHashMap<>(summary.asMap());
    // a store may hand integers back as Integer
    written.put("properties", Map.of("price", 19.9, "qty", 2));

    assertThat(EventSummary.fromMap(written)).isEqualTo(summary);
  }
}
