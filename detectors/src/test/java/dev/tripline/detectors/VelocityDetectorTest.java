package dev.tripline.detectors;

import static dev.tripline.detectors.TestEvents.T0;
import static dev.tripline.detectors.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tripline.rules.Event;
import dev.tripline.rules.VelocitySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VelocityDetectorTest {

  // Paris and London are 343.5 km apart (haversine, mean Earth radius)
  static final double PARIS_LAT = 48.8566;
  static final double PARIS_LON = 2.3522;
  static final double LONDON_LAT = 51.5074;
  static final double LONDON_LON = -0.1278;

  private final FakeClock clock = new FakeClock(Instant.parse("2026-11-21T12:00:00Z"));
  private final RecordingObserver observer = new RecordingObserver();

  private VelocityDetector detector(TestRules rule) {
    return detector(rule, DetectorLimits.defaults());
  }

  private VelocityDetector detector(TestRules rule, DetectorLimits limits) {
    return new VelocityDetector(rule.build(), clock, limits, observer);
  }

  private static TestRules rule(
      double maxSpeedKmh,
      double minDistanceM,
      Duration minInterval,
      Duration maxGap,
      boolean subtractAccuracy) {
    return TestRules.velocity("travel")
        .detector(
            new VelocitySpec(
                List.of("userId"),
                maxSpeedKmh,
                minDistanceM,
                minInterval,
                maxGap,
                subtractAccuracy));
  }

  private static Event paris(String id, String user, Duration at) {
    return event(id).user(user).at(at).geo(PARIS_LAT, PARIS_LON).build();
  }

  private static Event london(String id, String user, Duration at) {
    return event(id).user(user).at(at).geo(LONDON_LAT, LONDON_LON).build();
  }

  private static List<Detection> feed(Detector detector, Event... events) {
    List<Detection> fired = new ArrayList<>();
    for (Event event : events) {
      detector.onEvent(event).ifPresent(fired::add);
    }
    return fired;
  }

  private static Duration hours(double h) {
    return Duration.ofMillis(Math.round(h * 3_600_000));
  }

  @Test
  void should_measure_great_circle_distances() {
    assertThat(VelocityDetector.distanceM(0, 0, 1, 0)).isCloseTo(111_195, within(1.0));
    assertThat(VelocityDetector.distanceM(PARIS_LAT, PARIS_LON, LONDON_LAT, LONDON_LON))
        .isCloseTo(343_500, within(500.0));
    assertThat(VelocityDetector.distanceM(10, 179.9, 10, -179.9))
        .as("across the antimeridian")
        .isCloseTo(21_900, within(100.0));
  }

  @Test
  void should_fire_when_a_key_moves_faster_than_the_limit_with_its_provenance() {
    VelocityDetector detector = detector(TestRules.velocity("travel"));

    List<Detection> fired = feed(detector, paris("a", "u1", hours(0)), london("b", "u1", hours(1)));

    assertThat(fired).hasSize(1);
    Detection d = fired.get(0);
    assertThat(d.ruleId()).isEqualTo("travel");
    assertThat(d.key()).isEqualTo(Map.of("userId", "u1"));
    assertThat(d.eventIds()).containsExactly("a", "b");
    assertThat(d.firstEventId()).isEqualTo("a");
    assertThat(d.lastEventId()).isEqualTo("b");
    assertThat(d.windowStart()).isEqualTo(T0);
    assertThat(d.windowEnd()).isEqualTo(T0.plus(hours(1)));
    assertThat(d.count()).isEqualTo(2);
    assertThat((Double) d.values().get("speedKmh")).isCloseTo(343.5, within(0.6));
    assertThat((Double) d.values().get("distanceM")).isCloseTo(343_500, within(500.0));
    assertThat(d.values().get("seconds")).isEqualTo(3600.0);
    assertThat(d.values())
        .containsEntry("fromLat", PARIS_LAT)
        .containsEntry("fromLon", PARIS_LON)
        .containsEntry("toLat", LONDON_LAT)
        .containsEntry("toLon", LONDON_LON);
    assertThat(d.detectedAt()).isEqualTo(clock.instant());
    assertThat(d.destinations()).containsExactly("crm-alerts");
  }

  @Test
  void should_not_fire_at_a_plausible_speed_or_across_keys() {
    VelocityDetector detector = detector(TestRules.velocity("travel"));

    assertThat(feed(detector, paris("a", "u1", hours(0)), london("b", "u1", hours(3))))
        .as("343 km in 3 h is 114 km/h")
        .isEmpty();
    assertThat(feed(detector, paris("c", "u2", hours(4)), london("d", "u3", hours(4.1))))
        .as("two users")
        .isEmpty();
  }

  @Test
  void should_skip_events_without_geo_or_key() {
    VelocityDetector detector = detector(TestRules.velocity("travel"));

    List<Detection> fired =
        feed(
            detector,
            paris("a", "u1", hours(0)),
            event("nogeo").user("u1").at(hours(0.5)).build(),
            event("nouser").at(hours(0.6)).geo(LONDON_LAT, LONDON_LON).build());

    assertThat(fired).isEmpty();
    assertThat(detector.keyCount()).isEqualTo(1);
  }

  @Test
  void should_not_fire_for_pairs_closer_than_min_distance() {
    // 0.0045 degrees of latitude is about 500 m; one second apart is 1800 km/h
    Event a = event("a").user("u1").at(hours(0)).geo(10, 10).build();
    Event b = event("b").user("u1").at(Duration.ofSeconds(1)).geo(10.0045, 10).build();

    assertThat(feed(detector(rule(150, 1000, Duration.ofSeconds(1), hours(24), true)), a, b))
        .isEmpty();
    assertThat(feed(detector(rule(150, 0, Duration.ofSeconds(1), hours(24), true)), a, b))
        .hasSize(1);
  }

  @Test
  void should_subtract_accuracy_radii_so_that_gps_noise_does_not_fire() {
    // about 300 m apart in 5 s (216 km/h), each fix accurate to 200 m: could be the same place
    Event a = event("a").user("u1").at(hours(0)).geo(10, 10, 200.0).build();
    Event b = event("b").user("u1").at(Duration.ofSeconds(5)).geo(10.0027, 10, 200.0).build();

    assertThat(feed(detector(rule(150, 0, Duration.ofSeconds(1), hours(24), true)), a, b))
        .isEmpty();
    List<Detection> fired =
        feed(detector(rule(150, 0, Duration.ofSeconds(1), hours(24), false)), a, b);
    assertThat(fired).hasSize(1);
    assertThat((Double) fired.get(0).values().get("speedKmh")).isCloseTo(216, within(1.0));
  }

  @Test
  void should_floor_the_time_gap_at_min_interval() {
    // 1 km apart, 10 ms apart: at the 1 s floor that is 3600 km/h, at a 60 s floor 60 km/h
    Event a = event("a").user("u1").at(hours(0)).geo(10, 10).build();
    Event b = event("b").user("u1").at(Duration.ofMillis(10)).geo(10.009, 10).build();

    List<Detection> fired =
        feed(detector(rule(150, 0, Duration.ofSeconds(1), hours(24), true)), a, b);
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).values().get("seconds")).isEqualTo(1.0);
    assertThat(feed(detector(rule(150, 0, Duration.ofSeconds(60), hours(24), true)), a, b))
        .isEmpty();
  }

  @Test
  void should_judge_a_late_point_against_its_neighbours_in_event_time() {
    VelocityDetector detector = detector(TestRules.velocity("travel"));

    // Paris at 0 h and London at 10 h are plausible; London at 1 h, arriving last, is not:
    // compared with the point that arrived before it (London, 10 h) it would look still.
    List<Detection> fired =
        feed(
            detector,
            paris("a", "u1", hours(0)),
            london("b", "u1", hours(10)),
            london("late", "u1", hours(1)));

    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).eventIds()).containsExactly("a", "late");
    assertThat(fired.get(0).windowEnd()).isEqualTo(T0.plus(hours(1)));
  }

  @Test
  void should_ignore_points_older_than_max_gap_and_not_compare_pairs_further_apart() {
    VelocityDetector late = detector(rule(150, 0, Duration.ofSeconds(1), hours(2), true));
    assertThat(
            feed(
                late,
                paris("a", "u1", hours(5)),
                paris("b", "u1", hours(5.5)),
                london("too-late", "u1", hours(3.4))))
        .as("older than newest - max_gap: dropped, though 214 km/h from its neighbour")
        .isEmpty();

    VelocityDetector gap = detector(rule(150, 0, Duration.ofSeconds(1), hours(1), true));
    assertThat(feed(gap, paris("a", "u1", hours(0)), london("b", "u1", hours(2))))
        .as("171 km/h, but 2 h apart with max_gap 1h")
        .isEmpty();
  }

  @Test
  void should_hold_a_cooldown_per_key_after_firing() {
    VelocityDetector detector = detector(TestRules.velocity("travel").cooldown(hours(1)));

    List<Detection> fired =
        feed(
            detector,
            paris("a", "u1", hours(0)),
            london("b", "u1", hours(1)), // fires; cooling down until 2 h
            paris("c", "u1", hours(1.5)), // 687 km/h, but cooling down
            london("d", "u1", hours(3.5)), // 171 km/h after the cooldown: fires
            paris("e", "u2", hours(3.6)),
            london("f", "u2", hours(3.7))); // another key: its own cooldown

    assertThat(fired).extracting(Detection::lastEventId).containsExactly("b", "d", "f");
  }

  @Test
  void should_bound_keys_and_expire_idle_ones() {
    VelocityDetector bounded = detector(TestRules.velocity("travel"), new DetectorLimits(2));
    feed(
        bounded,
        paris("a", "u1", hours(0)),
        paris("b", "u2", hours(0)),
        paris("c", "u3", hours(0)));
    assertThat(bounded.keyCount()).isEqualTo(2);
    assertThat(observer.evicted).isEqualTo(1);

    VelocityDetector idle = detector(rule(150, 0, Duration.ofSeconds(1), hours(1), true));
    feed(idle, paris("a", "u1", hours(0)), paris("b", "u2", hours(3)));
    assertThat(idle.keyCount()).isEqualTo(1);
    assertThat(observer.expired).isEqualTo(1);
  }

  @Test
  void should_give_the_same_detection_id_for_the_same_pair() {
    Event a = paris("a", "u1", hours(0));
    Event b = london("b", "u1", hours(1));

    String first = feed(detector(TestRules.velocity("travel")), a, b).get(0).id();
    String again = feed(detector(TestRules.velocity("travel")), a, b).get(0).id();
    String otherVersion =
        feed(detector(TestRules.velocity("travel").version("2")), a, b).get(0).id();

    assertThat(again).isEqualTo(first);
    assertThat(otherVersion).isNotEqualTo(first);
  }

  @Test
  void should_reject_options_out_of_range_naming_the_rule() {
    assertThatThrownBy(() -> detector(rule(0, 0, Duration.ofSeconds(1), hours(24), true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("travel")
        .hasMessageContaining("detect.velocity.max_speed_kmh: must be > 0");
    assertThatThrownBy(() -> detector(rule(150, 0, hours(2), hours(1), true)))
        .hasMessageContaining("detect.velocity.max_gap: must be longer than min_interval");
    assertThatThrownBy(() -> detector(TestRules.threshold("t")))
        .hasMessageContaining("expected velocity, was threshold");
  }
}
