package dev.tripline.detectors;

import dev.tripline.rules.AbsenceSpec;
import dev.tripline.rules.Condition;
import dev.tripline.rules.DetectorSpec;
import dev.tripline.rules.EventFilter;
import dev.tripline.rules.NewKeyRate;
import dev.tripline.rules.NewKeys;
import dev.tripline.rules.Rule;
import dev.tripline.rules.SequenceSpec;
import dev.tripline.rules.Severity;
import dev.tripline.rules.SourcePosition;
import dev.tripline.rules.ThresholdSpec;
import dev.tripline.rules.VelocitySpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds rules directly, without the YAML loader: threshold by default, or any given spec. */
final class TestRules {

  private final String id;
  private String version = "1";
  private String fingerprint;
  private Set<String> on = Set.of();
  private Condition where = Condition.ALWAYS;
  private List<String> groupBy = List.of("ip");
  private int count = 3;
  private String distinct;
  private Duration within = Duration.ofSeconds(60);
  private Duration cooldown = Duration.ZERO;
  private List<String> destinations = List.of("crm-alerts");
  private DetectorSpec spec;
  private Severity severity = Severity.DEFAULT;
  private Map<String, String> labels = Map.of();
  private ThresholdSpec.OnFire onFire = ThresholdSpec.OnFire.RESET;
  private NewKeys newKeys = NewKeys.ANY;

  private TestRules(String id) {
    this.id = id;
  }

  static TestRules threshold(String id) {
    return new TestRules(id);
  }

  /** A velocity rule: {@code max_speed_kmh: 150} per userId, other options at their defaults. */
  static TestRules velocity(String id) {
    return new TestRules(id)
        .detector(
            new VelocitySpec(
                List.of("userId"),
                150,
                0,
                VelocitySpec.DEFAULT_MIN_INTERVAL,
                VelocitySpec.DEFAULT_MAX_GAP,
                true));
  }

  /**
   * An absence rule: start {@code add_to_cart}, cancel {@code order_completed}, per userId.
   *
   * @param onRepeatStart what a repeated start does
   */
  static TestRules absence(
      String id, Duration after, Duration grace, AbsenceSpec.OnRepeatStart onRepeatStart) {
    return new TestRules(id)
        .detector(
            new AbsenceSpec(
                new EventFilter(Set.of("add_to_cart"), Condition.ALWAYS, ""),
                new EventFilter(Set.of("order_completed"), Condition.ALWAYS, ""),
                List.of("userId"),
                after,
                grace,
                onRepeatStart));
  }

  /**
   * A sequence rule: {@code view_product}, {@code add_to_cart}, {@code begin_checkout}, {@code
   * order_completed} per userId within 1 h, firing on completion.
   */
  static TestRules sequence(String id) {
    return new TestRules(id)
        .detector(new SequenceSpec(checkoutSteps(), List.of("userId"), Duration.ofHours(1)));
  }

  /** The four steps of {@link #sequence}, each taking one type. */
  static List<EventFilter> checkoutSteps() {
    return List.of(
        step("view_product"), step("add_to_cart"), step("begin_checkout"), step("order_completed"));
  }

  /** A step that takes one type. */
  static EventFilter step(String type) {
    return new EventFilter(Set.of(type), Condition.ALWAYS, "");
  }

  /** Uses this spec instead of the threshold options. */
  TestRules detector(DetectorSpec spec) {
    this.spec = spec;
    return this;
  }

  /** The definition hash; by default the version. */
  TestRules fingerprint(String fingerprint) {
    this.fingerprint = fingerprint;
    return this;
  }

  TestRules version(String version) {
    this.version = version;
    return this;
  }

  TestRules on(String... types) {
    this.on = Set.of(types);
    return this;
  }

  TestRules where(Condition where) {
    this.where = where;
    return this;
  }

  TestRules groupBy(String... paths) {
    this.groupBy = List.of(paths);
    return this;
  }

  TestRules count(int count) {
    this.count = count;
    return this;
  }

  TestRules distinct(String path) {
    this.distinct = path;
    return this;
  }

  TestRules within(Duration within) {
    this.within = within;
    return this;
  }

  TestRules onFire(ThresholdSpec.OnFire onFire) {
    this.onFire = onFire;
    return this;
  }

  TestRules severity(Severity severity) {
    this.severity = severity;
    return this;
  }

  TestRules labels(Map<String, String> labels) {
    this.labels = labels;
    return this;
  }

  /** {@code new_keys}: {@code rate} new keys per {@code per}, {@code burst} at once. */
  TestRules newKeys(double rate, Duration per, int burst) {
    return newKeys(new NewKeys(newKeys.admit(), Optional.of(new NewKeyRate(rate, per, burst))));
  }

  /** {@code new_keys}, as given. */
  TestRules newKeys(NewKeys newKeys) {
    this.newKeys = newKeys;
    return this;
  }

  TestRules cooldown(Duration cooldown) {
    this.cooldown = cooldown;
    return this;
  }

  TestRules destinations(String... ids) {
    this.destinations = List.of(ids);
    return this;
  }

  Rule build() {
    return new Rule(
        id,
        version,
        fingerprint != null ? fingerprint : version,
        "",
        on,
        where,
        spec != null
            ? spec
            : new ThresholdSpec(groupBy, count, Optional.ofNullable(distinct), within, onFire),
        cooldown,
        destinations,
        severity,
        labels,
        newKeys,
        new SourcePosition("rules/test.yaml", 1, 3));
  }
}
