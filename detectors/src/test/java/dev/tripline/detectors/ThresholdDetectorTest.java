package dev.tripline.detectors;

import static dev.tripline.detectors.TestEvents.T0;
import static dev.tripline.detectors.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
import dev.tripline.rules.Severity;
import dev.tripline.rules.ThresholdSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ThresholdDetectorTest {

  private final FakeClock clock = new FakeClock(Instant.parse("2026-11-21T12:00:00Z"));
  private final RecordingObserver observer = new RecordingObserver();

  private ThresholdDetector detector(TestRules rule) {
    return detector(rule, DetectorLimits.defaults());
  }

  private ThresholdDetector detector(TestRules rule, DetectorLimits limits) {
    return new ThresholdDetector(rule.build(), clock, limits, observer);
  }

  /** Feeds events in order; returns the index of each event that fired, with its detection. */
  private static List<Fired> feed(Detector detector, Event... events) {
    List<Fired> fired = new ArrayList<>();
    for (int i = 0; i < events.length; i++) {
      int index = i;
      detector.onEvent(events[i]).ifPresent(d -> fired.add(new Fired(index, d)));
    }
    return fired;
  }

  private record Fired(int index, Detection detection) {}

  private static Event fromIp(String id, long seconds, String ip) {
    return event(id).atSeconds(seconds).ip(ip).build();
  }

  @ParameterizedTest(name = "count {0}")
  @ValueSource(ints = {2, 5, 20})
  void should_fire_once_when_threshold_crossed(int count) {
    ThresholdDetector detector = detector(TestRules.threshold("r").count(count));
    Event[] events =
        IntStream.range(0, count + 1)
            .mapToObj(i -> fromIp("e" + i, i, "203.0.113.7"))
            .toArray(Event[]::new);

    List<Fired> fired = feed(detector, events);

    assertThat(fired).extracting(Fired::index).containsExactly(count - 1);
  }

  @ParameterizedTest(name = "count {0}")
  @ValueSource(ints = {2, 3, 10})
  void should_not_fire_below_threshold(int count) {
    ThresholdDetector detector = detector(TestRules.threshold("r").count(count));
    Event[] events =
        IntStream.range(0, count - 1)
            .mapToObj(i -> fromIp("e" + i, i, "203.0.113.7"))
            .toArray(Event[]::new);

    assertThat(feed(detector, events)).isEmpty();
    assertThat(detector.keyCount()).isEqualTo(1);
  }

  @ParameterizedTest(name = "events at {0} ms -> fires on event {1}")
  @CsvSource({
    "0 10000 20000, 2",
    "0 30000 59999, 2",
    // the window is (newest - within, newest]: an event exactly within ago has fallen out
    "0 30000 60000, -1",
    "0 30000 61000, -1",
    "0 30000 61000 70000, 3",
    "0 100000 200000 210000 220000, 4",
  })
  void should_slide_the_window_over_event_time(String offsetsMillis, int firingIndex) {
    ThresholdDetector detector =
        detector(TestRules.threshold("r").count(3).within(Duration.ofSeconds(60)));
    long[] offsets = Arrays.stream(offsetsMillis.split(" ")).mapToLong(Long::parseLong).toArray();
    Event[] events =
        IntStream.range(0, offsets.length)
            .mapToObj(i -> event("e" + i).atMillis(offsets[i]).ip("203.0.113.7").build())
            .toArray(Event[]::new);

    List<Fired> fired = feed(detector, events);

    if (firingIndex < 0) {
      assertThat(fired).isEmpty();
    } else {
      assertThat(fired).extracting(Fired::index).containsExactly(firingIndex);
    }
  }

  @Test
  void should_ignore_the_wall_clock_for_windows() {
    ThresholdDetector detector = detector(TestRules.threshold("r").count(2));

    detector.onEvent(fromIp("e1", 0, "203.0.113.7"));
    clock.advance(Duration.ofDays(1));

    assertThat(detector.onEvent(fromIp("e2", 1, "203.0.113.7"))).isPresent();
  }

  @Test
  void should_count_distinct_values_not_events() {
    ThresholdDetector detector =
        detector(TestRules.threshold("r").groupBy("ip").count(3).distinct("userId"));
    String ip = "203.0.113.7";

    List<Fired> fired =
        feed(
            detector,
            event("e1").atSeconds(1).ip(ip).user("u1").build(),
            event("e2").atSeconds(2).ip(ip).user("u1").build(),
            event("e3").atSeconds(3).ip(ip).user("u2").build(),
            event("e4").atSeconds(4).ip(ip).user("u1").build(),
            event("e5").atSeconds(5).ip(ip).user("u2").build(),
            event("e6").atSeconds(6).ip(ip).user("u3").build());

    assertThat(fired).extracting(Fired::index).containsExactly(5);
    Detection detection = fired.get(0).detection();
    assertThat(detection.count()).isEqualTo(3);
    // each value is counted once, with its newest event
    assertThat(detection.eventIds()).containsExactly("e4", "e5", "e6");
    assertThat(detection.windowStart()).isEqualTo(T0.plusSeconds(4));
  }

  @Test
  void should_let_a_distinct_value_fall_out_with_its_newest_event() {
    ThresholdDetector detector =
        detector(
            TestRules.threshold("r").count(2).distinct("userId").within(Duration.ofSeconds(10)));
    String ip = "203.0.113.7";

    List<Fired> fired =
        feed(
            detector,
            event("e1").atSeconds(0).ip(ip).user("u1").build(),
            event("e2").atSeconds(8).ip(ip).user("u1").build(),
            event("e3").atSeconds(15).ip(ip).user("u2").build());

    // u1's newest event (8s) is still inside (5s, 15s]
    assertThat(fired).extracting(Fired::index).containsExactly(2);
    assertThat(fired.get(0).detection().eventIds()).containsExactly("e2", "e3");
  }

  @Test
  void should_skip_events_lacking_the_distinct_field() {
    ThresholdDetector detector =
        detector(TestRules.threshold("r").count(1).distinct("properties.sku"));

    assertThat(detector.onEvent(fromIp("e1", 0, "203.0.113.7"))).isEmpty();
    assertThat(detector.keyCount()).isZero();
    assertThat(
            detector.onEvent(
                event("e2").atSeconds(1).ip("203.0.113.7").property("sku", "A1").build()))
        .isPresent();
  }

  @Test
  void should_key_separately_by_each_group_by_field() {
    ThresholdDetector detector =
        detector(TestRules.threshold("r").groupBy("ip", "userId").count(2));

    List<Fired> fired =
        feed(
            detector,
            event("e1").atSeconds(1).ip("ip1").user("u1").build(),
            event("e2").atSeconds(2).ip("ip1").user("u2").build(),
            event("e3").atSeconds(3).ip("ip2").user("u1").build(),
            event("e4").atSeconds(4).ip("ip1").user("u1").build());

    assertThat(fired).extracting(Fired::index).containsExactly(3);
    assertThat(fired.get(0).detection().key())
        .containsExactly(
            org.assertj.core.api.Assertions.entry("ip", "ip1"),
            org.assertj.core.api.Assertions.entry("userId", "u1"));
    assertThat(detector.keyCount()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"lacks ip, , c9", "lacks cartId, 203.0.113.7, "})
  void should_skip_events_lacking_a_group_by_field(String name, String ip, String cartId) {
    ThresholdDetector detector =
        detector(TestRules.threshold("r").groupBy("ip", "properties.cartId").count(1));
    TestEvents event = event("e1").ip(ip);
    if (cartId != null) {
      event.property("cartId", cartId);
    }

    assertThat(detector.onEvent(event.build())).isEmpty();
    assertThat(detector.keyCount()).isZero();
  }

  @Test
  void should_key_all_events_together_without_group_by() {
    ThresholdDetector detector = detector(TestRules.threshold("r").groupBy().count(2));

    List<Fired> fired =
        feed(detector, event("e1").atSeconds(1).build(), event("e2").atSeconds(2).ip("x").build());

    assertThat(fired).extracting(Fired::index).containsExactly(1);
    assertThat(fired.get(0).detection().key()).isEmpty();
  }

  @Test
  void should_suppress_detections_during_cooldown_then_allow_them() {
    ThresholdDetector detector =
        detector(TestRules.threshold("r").count(2).cooldown(Duration.ofMinutes(10)));
    String ip = "203.0.113.7";

    List<Fired> fired =
        feed(
            detector,
            fromIp("e1", 0, ip),
            fromIp("e2", 1, ip), // fires; cooldown until 10m01s
            fromIp("e3", 300, ip),
            fromIp("e4", 310, ip), // would fire: cooling down
            fromIp("e5", 600, ip), // 10m00s: still cooling down, but enters the window
            fromIp("e6", 601, ip)); // 10m01s: cooldown over

    assertThat(fired).extracting(Fired::index).containsExactly(1, 5);
    assertThat(fired.get(1).detection().eventIds()).containsExactly("e5", "e6");
  }

  @Test
  void should_apply_cooldown_per_key() {
    ThresholdDetector detector =
        detector(TestRules.threshold("r").count(1).cooldown(Duration.ofHours(1)));

    List<Fired> fired =
        feed(
            detector,
            fromIp("e1", 0, "ip1"),
            fromIp("e2", 1, "ip1"),
            fromIp("e3", 2, "ip2"),
            fromIp("e4", 3600, "ip1"));

    assertThat(fired).extracting(Fired::index).containsExactly(0, 2, 3);
  }

  @Test
  void should_need_count_fresh_events_after_firing() {
    ThresholdDetector detector = detector(TestRules.threshold("r").count(3));
    String ip = "203.0.113.7";

    List<Fired> fired =
        feed(
            detector,
            fromIp("e1", 1, ip),
            fromIp("e2", 2, ip),
            fromIp("e3", 3, ip),
            fromIp("e4", 4, ip),
            fromIp("e5", 5, ip),
            fromIp("e6", 6, ip));

    assertThat(fired).extracting(Fired::index).containsExactly(2, 5);
    assertThat(fired.get(1).detection().eventIds()).containsExactly("e4", "e5", "e6");
  }

  @Test
  void should_count_a_late_event_inside_the_window_in_event_time_order() {
    ThresholdDetector detector = detector(TestRules.threshold("r").count(3));
    String ip = "203.0.113.7";

    List<Fired> fired =
        feed(detector, fromIp("e50", 50, ip), fromIp("e100", 100, ip), fromIp("e60", 60, ip));

    assertThat(fired).extracting(Fired::index).containsExactly(2);
    Detection detection = fired.get(0).detection();
    assertThat(detection.eventIds()).containsExactly("e50", "e60", "e100");
    assertThat(detection.windowStart()).isEqualTo(T0.plusSeconds(50));
    assertThat(detection.firstEventId()).isEqualTo("e50");
    // the triggering event, late as it is
    assertThat(detection.lastEventId()).isEqualTo("e60");
    assertThat(detection.windowEnd()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void should_ignore_a_late_event_older_than_the_window() {
    ThresholdDetector detector = detector(TestRules.threshold("r").count(3));
    String ip = "203.0.113.7";

    List<Fired> fired =
        feed(
            detector,
            fromIp("e100", 100, ip),
            fromIp("e110", 110, ip),
            fromIp("e40", 40, ip), // exactly within before the newest: outside
            fromIp("e10", 10, ip),
            fromIp("e115", 115, ip));

    assertThat(fired).extracting(Fired::index).containsExactly(4);
    assertThat(fired.get(0).detection().eventIds()).containsExactly("e100", "e110", "e115");
  }

  @Test
  void should_evict_the_least_recently_used_key_at_max_keys() {
    ThresholdDetector detector = detector(TestRules.threshold("r").count(3), new DetectorLimits(3));

    List<Fired> fired =
        feed(
            detector,
            fromIp("a1", 1, "a"),
            fromIp("b1", 2, "b"),
            fromIp("c1", 3, "c"),
            fromIp("a2", 4, "a"), // a is now the most recently used
            fromIp("d1", 5, "d")); // evicts b

    assertThat(fired).isEmpty();
    assertThat(detector.keyCount()).isEqualTo(3);
    assertThat(observer.evicted).isEqualTo(1);

    // b lost its state: two more events are not enough; a kept its state: one more fires
    fired = feed(detector, fromIp("b2", 6, "b"), fromIp("b3", 7, "b"), fromIp("a3", 8, "a"));

    assertThat(fired).extracting(Fired::index).containsExactly(2);
    assertThat(detector.keyCount()).isEqualTo(3);
    assertThat(observer.evicted).isEqualTo(2);
  }

  @Test
  void should_drop_idle_keys() {
    ThresholdDetector detector =
        detector(TestRules.threshold("r").count(3).within(Duration.ofSeconds(60)));

    feed(detector, fromIp("a1", 0, "a"), fromIp("b1", 10, "b"), fromIp("c1", 60, "c"));
    assertThat(detector.keyCount()).isEqualTo(3);

    detector.onEvent(fromIp("c2", 71, "c")); // a (0s) and b (10s) are now older than 71s - 60s

    assertThat(detector.keyCount()).isEqualTo(1);
    assertThat(observer.expired).isEqualTo(2);
    assertThat(observer.evicted).isZero();
  }

  @Test
  void should_keep_a_cooling_down_key_until_its_cooldown_is_over() {
    ThresholdDetector detector =
        detector(
            TestRules.threshold("r")
                .count(1)
                .within(Duration.ofSeconds(60))
                .cooldown(Duration.ofMinutes(10)));

    feed(detector, fromIp("a1", 0, "a"), fromIp("b1", 200, "b"));
    assertThat(detector.keyCount()).isEqualTo(2);

    detector.onEvent(fromIp("b2", 601, "b"));
    assertThat(detector.keyCount()).isEqualTo(1);
  }

  @Test
  void should_carry_provenance() {
    Rule rule =
        TestRules.threshold("repeat-ip-signups")
            .version("7")
            .groupBy("userId", "ip")
            .count(3)
            .destinations("crm-alerts", "security-slack")
            .build();
    ThresholdDetector detector =
        new ThresholdDetector(rule, clock, DetectorLimits.defaults(), observer);
    clock.advance(Duration.ofMinutes(5));

    List<Fired> fired =
        feed(
            detector,
            event("e1").atSeconds(10).ip("203.0.113.7").user("u1").build(),
            event("e2").atSeconds(20).ip("203.0.113.7").user("u1").build(),
            event("e3").atSeconds(30).ip("203.0.113.7").user("u1").build());

    Detection detection = fired.get(0).detection();
    assertThat(detection.id()).matches("det_[0-9a-f]{24}");
    assertThat(detection.ruleId()).isEqualTo("repeat-ip-signups");
    assertThat(detection.ruleVersion()).isEqualTo("7");
    assertThat(detection.key().keySet()).containsExactly("userId", "ip");
    assertThat(detection.key().values()).containsExactly("u1", "203.0.113.7");
    assertThat(detection.windowStart()).isEqualTo(T0.plusSeconds(10));
    assertThat(detection.windowEnd()).isEqualTo(T0.plusSeconds(30));
    assertThat(detection.count()).isEqualTo(3);
    assertThat(detection.eventIds()).containsExactly("e1", "e2", "e3");
    assertThat(detection.firstEventId()).isEqualTo("e1");
    assertThat(detection.lastEventId()).isEqualTo("e3");
    assertThat(detection.detectedAt()).isEqualTo(Instant.parse("2026-11-21T12:05:00Z"));
    assertThat(detection.destinations()).containsExactly("crm-alerts", "security-slack");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "same inputs,             1, e1 e2, true",
    "other event ids,         1, e1 e9, false",
    "other rule version,      2, e1 e2, false",
  })
  void should_derive_the_detection_id_from_its_provenance(
      String name, String version, String eventIds, boolean same) {
    String reference = firstDetectionId("1", "e1 e2");

    String other = firstDetectionId(version, eventIds);

    if (same) {
      assertThat(other).isEqualTo(reference);
    } else {
      assertThat(other).isNotEqualTo(reference);
    }
  }

  private String firstDetectionId(String version, String eventIds) {
    ThresholdDetector detector = detector(TestRules.threshold("r").version(version).count(2));
    String[] ids = eventIds.split(" ");
    Optional<Detection> detection = Optional.empty();
    for (int i = 0; i < ids.length; i++) {
      detection = detector.onEvent(fromIp(ids[i], i, "203.0.113.7"));
    }
    return detection.orElseThrow().id();
  }

  @Test
  void should_differ_in_id_for_another_key() {
    ThresholdDetector detector = detector(TestRules.threshold("r").count(1));

    String a = detector.onEvent(fromIp("e1", 0, "ip-a")).orElseThrow().id();
    String b = detector.onEvent(fromIp("e1", 0, "ip-b")).orElseThrow().id();

    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void should_cap_event_ids_keeping_the_first_and_the_newest() {
    int count = Detection.MAX_EVENT_IDS + 50;
    ThresholdDetector detector = detector(TestRules.threshold("r").count(count));
    Optional<Detection> detection = Optional.empty();
    for (int i = 0; i < count; i++) {
      detection = detector.onEvent(event("e" + i).atMillis(i).ip("203.0.113.7").build());
    }

    Detection fired = detection.orElseThrow();
    assertThat(fired.count()).isEqualTo(count);
    assertThat(fired.eventIds()).hasSize(Detection.MAX_EVENT_IDS);
    assertThat(fired.eventIds().get(0)).isEqualTo("e0");
    assertThat(fired.eventIds().get(1)).isEqualTo("e" + (count - Detection.MAX_EVENT_IDS + 1));
    assertThat(fired.eventIds().get(Detection.MAX_EVENT_IDS - 1)).isEqualTo("e" + (count - 1));
    assertThat(fired.firstEventId()).isEqualTo("e0");
    assertThat(fired.lastEventId()).isEqualTo("e" + (count - 1));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "count 0,            0, PT60S, PT0S,  'detect.threshold.count: must be >= 1, was 0'",
    "within 0,           3, PT0S,  PT0S,  'detect.threshold.within: must be > 0s, was PT0S'",
    "negative within,    3, PT-1S, PT0S,  'detect.threshold.within: must be > 0s, was PT-1S'",
    "negative cooldown,  3, PT60S, PT-1S, 'cooldown: must be >= 0s, was PT-1S'",
  })
  void should_reject_out_of_range_options_naming_the_rule(
      String name, int count, Duration within, Duration cooldown, String message) {
    TestRules rule = TestRules.threshold("bad-rule").count(count).within(within).cooldown(cooldown);

    assertThatThrownBy(() -> detector(rule))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rule bad-rule (rules/test.yaml:1:3): " + message);
  }

  @Test
  void should_survive_extreme_event_times() {
    ThresholdDetector detector =
        detector(TestRules.threshold("r").count(1).cooldown(Duration.ofDays(365)));

    assertThat(detector.onEvent(event("e1").at(Duration.ZERO).ip("x").build())).isPresent();
    Event farFuture =
        new Event("e2", "test", "signup", Instant.MAX, null, null, "y", null, null, null, T0);
    Event farPast =
        new Event("e3", "test", "signup", Instant.MIN, null, null, "z", null, null, null, T0);

    assertThat(detector.onEvent(farFuture)).isPresent();
    assertThat(detector.onEvent(farPast)).isPresent();
  }

  @Test
  void should_keep_the_window_and_fire_on_each_further_event_with_on_fire_keep() {
    ThresholdDetector keep =
        detector(TestRules.threshold("r").count(3).onFire(ThresholdSpec.OnFire.KEEP));
    ThresholdDetector reset = detector(TestRules.threshold("r").count(3));
    Event[] events =
        IntStream.range(0, 5)
            .mapToObj(i -> fromIp("e" + i, i, "203.0.113.7"))
            .toArray(Event[]::new);

    List<Fired> kept = feed(keep, events);
    assertThat(kept).extracting(Fired::index).containsExactly(2, 3, 4);
    assertThat(kept.get(1).detection().eventIds()).containsExactly("e1", "e2", "e3");
    assertThat(kept).extracting(f -> f.detection().id()).doesNotHaveDuplicates();
    assertThat(feed(reset, events)).extracting(Fired::index).containsExactly(2);
  }

  @Test
  void should_hold_the_cooldown_with_on_fire_keep() {
    ThresholdDetector detector =
        detector(
            TestRules.threshold("r")
                .count(3)
                .cooldown(Duration.ofSeconds(10))
                .onFire(ThresholdSpec.OnFire.KEEP));

    List<Fired> fired =
        feed(
            detector,
            fromIp("e0", 0, "203.0.113.7"),
            fromIp("e1", 1, "203.0.113.7"),
            fromIp("e2", 2, "203.0.113.7"), // fires; quiet until 12 s
            fromIp("e3", 3, "203.0.113.7"),
            fromIp("e4", 11, "203.0.113.7"),
            fromIp("e5", 12, "203.0.113.7")); // window still holds 3: fires again

    assertThat(fired).extracting(Fired::index).containsExactly(2, 5);
    assertThat(fired.get(1).detection().eventIds()).containsExactly("e3", "e4", "e5");
  }

  @Test
  void should_carry_the_rules_severity_and_labels() {
    ThresholdDetector detector =
        detector(
            TestRules.threshold("r")
                .count(1)
                .severity(Severity.CRITICAL)
                .labels(Map.of("team", "fraud")));

    Detection detection = feed(detector, fromIp("e0", 0, "203.0.113.7")).get(0).detection();

    assertThat(detection.severity()).isEqualTo("critical");
    assertThat(detection.labels()).containsExactly(Map.entry("team", "fraud"));
  }

  @Test
  void should_keep_keys_typed_so_that_a_number_and_its_text_are_different_keys() {
    ThresholdDetector detector =
        detector(TestRules.threshold("r").groupBy("properties.n").count(2));

    List<Fired> fired =
        feed(
            detector,
            event("e0").atSeconds(0).property("n", 1L).build(),
            event("e1").atSeconds(1).property("n", "1").build(),
            event("e2").atSeconds(2).property("n", 1L).build());

    assertThat(fired).extracting(Fired::index).containsExactly(2);
    assertThat(fired.get(0).detection().key()).containsExactly(Map.entry("properties.n", 1L));
    assertThat(detector.keyCount()).isEqualTo(2);
  }

  @Test
  void should_give_a_number_key_and_its_text_different_detection_ids() {
    ThresholdDetector detector =
        detector(TestRules.threshold("r").groupBy("properties.n").count(1));

    List<Fired> fired =
        feed(
            detector,
            event("e0").atSeconds(0).property("n", 1L).build(),
            event("e0").atSeconds(0).property("n", "1").build());

    assertThat(fired).hasSize(2);
    assertThat(fired.get(0).detection().id()).isNotEqualTo(fired.get(1).detection().id());
  }
}
