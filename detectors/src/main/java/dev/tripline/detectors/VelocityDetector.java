package dev.tripline.detectors;

import dev.tripline.rules.Event;
import dev.tripline.rules.NewKeys;
import dev.tripline.rules.Rule;
import dev.tripline.rules.VelocitySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Detects impossible travel: one key moving between two consecutive geo points, in event time,
 * faster than the rule's {@code max_speed_kmh} ({@link VelocitySpec}).
 *
 * <p>Semantics, per key (the values of the {@code group_by} paths, in order):
 *
 * <ul>
 *   <li>An event without {@code geo}, or lacking a group-by field, is skipped.
 *   <li>The key keeps its recent points in event-time order. A new point is compared with the point
 *       just before it in event time and, when it arrived out of order, with the one just after it;
 *       the faster of the two pairs is the candidate. So a late point is judged against its true
 *       neighbours, not against whatever arrived last.
 *   <li>Distance is the haversine great-circle distance. With {@code subtract_accuracy} (default)
 *       both points' {@code geo.accuracyM} radii are subtracted first, floored at zero, so that two
 *       fuzzy fixes of one place do not make a speed. A pair closer than {@code min_distance_m}
 *       never fires.
 *   <li>The time between the points is floored at {@code min_interval} (default 1 s). Points more
 *       than {@code max_gap} apart (default 24 h) are not compared; a point older than the key's
 *       newest minus {@code max_gap} is ignored.
 *   <li>The rule fires when the candidate's speed is above {@code max_speed_kmh}, then starts the
 *       cooldown: no detection for the key for pairs ending before the later point's time plus the
 *       rule's cooldown. Every point still enters the key's history.
 * </ul>
 *
 * <p>Memory is bounded: a key keeps at most {@link #MAX_POINTS_PER_KEY} points, and the rule at
 * most {@link DetectorLimits#maxKeysPerRule()} keys ({@link KeyedStates}); keys idle for longer
 * than max({@code max_gap}, cooldown) behind the rule's newest event are dropped. A key the rule
 * holds no state for is taken on only from an event its {@code new_keys} admits (filter and rate);
 * the point of a key left out is not kept.
 *
 * <p>Not thread-safe: see {@link Detector}.
 */
public final class VelocityDetector implements Detector {

  /** The most points a key remembers, for out-of-order arrivals; the newest ones are kept. */
  static final int MAX_POINTS_PER_KEY = 16;

  /** The mean Earth radius (IUGG), in metres. */
  static final double EARTH_RADIUS_M = 6_371_008.8;

  private final Rule rule;
  private final VelocitySpec spec;
  private final Duration cooldown;
  private final InstantSource clock;
  private final DetectionIds ids = new DetectionIds();
  private final NewKeyAdmission newKeys;
  private final KeyedStates<Track> keys;

  /**
   * Creates the detector of a velocity rule.
   *
   * @throws IllegalArgumentException when the rule is not a velocity rule or its options are out of
   *     range; the message names the rule
   */
  public VelocityDetector(
      Rule rule, InstantSource clock, DetectorLimits limits, EngineObserver observer) {
    this.rule = Objects.requireNonNull(rule, "rule");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(observer, "observer");
    VelocitySpec velocity = RuleChecks.spec(rule, VelocitySpec.class, "velocity");
    String at = RuleLabel.of(rule) + ": detect.velocity.";
    if (!(velocity.maxSpeedKmh() > 0)) {
      throw new IllegalArgumentException(
          at + "max_speed_kmh: must be > 0, was " + velocity.maxSpeedKmh());
    }
    if (!(velocity.minDistanceM() >= 0)) {
      throw new IllegalArgumentException(
          at + "min_distance_m: must be >= 0, was " + velocity.minDistanceM());
    }
    if (velocity.minInterval().isNegative() || velocity.minInterval().isZero()) {
      throw new IllegalArgumentException(
          at + "min_interval: must be > 0s, was " + velocity.minInterval());
    }
    if (velocity.maxGap().compareTo(velocity.minInterval()) <= 0) {
      throw new IllegalArgumentException(
          at + "max_gap: must be longer than min_interval, was " + velocity.maxGap());
    }
    this.spec = velocity;
    this.cooldown = RuleChecks.cooldown(rule);
    this.keys =
        new KeyedStates<>(
            rule, limits, observer, Track::newest, RuleChecks.longer(velocity.maxGap(), cooldown));
    this.newKeys = new NewKeyAdmission(rule, clock, observer);
  }

  @Override
  public void limitNewKeys(NewKeys newKeys) {
    this.newKeys.limit(newKeys);
  }

  @Override
  public Rule rule() {
    return rule;
  }

  @Override
  public int keyCount() {
    return keys.size();
  }

  @Override
  public Optional<Map<String, Object>> keyState(List<String> key) {
    return Optional.ofNullable(keys.find(key)).map(Track::describe);
  }

  @Override
  public Optional<Detection> onEvent(Event event) {
    Event.Geo geo = event.geo();
    List<Object> key = geo == null ? null : GroupKeys.of(event, spec.groupBy());
    if (key == null) {
      return Optional.empty();
    }
    Instant time = event.timestamp();
    keys.observe(time);
    Track track = keys.get(key);
    if (track == null) {
      if (!newKeys.admit(event)) {
        keys.expireIdle();
        return Optional.empty();
      }
      track = keys.admit(key, new Track());
    }
    Optional<Detection> detection = Optional.empty();
    Point point = new Point(time, geo.lat(), geo.lon(), accuracy(geo), event.id());
    if (track.accepts(point, spec.maxGap())) {
      Pair fastest = fastestPair(track, track.insert(point));
      track.forget(spec.maxGap());
      if (fastest != null
          && fastest.speedKmh() > spec.maxSpeedKmh()
          && !track.coolingDown(fastest.to().time())) {
        track.coolUntil = KeyWindow.plus(fastest.to().time(), cooldown);
        detection = Optional.of(detect(key, fastest, event));
      }
    }
    keys.expireIdle();
    return detection;
  }

  private double accuracy(Event.Geo geo) {
    Double radius = geo.accuracyM();
    return spec.subtractAccuracy() && radius != null && radius > 0 ? radius : 0;
  }

  /** The faster of the new point's pairs with its neighbours in event time, or null for none. */
  private Pair fastestPair(Track track, int index) {
    Point point = track.points.get(index);
    Pair before = index > 0 ? pair(track.points.get(index - 1), point) : null;
    Pair after = index < track.points.size() - 1 ? pair(point, track.points.get(index + 1)) : null;
    if (before == null) {
      return after;
    }
    return after == null || before.speedKmh() >= after.speedKmh() ? before : after;
  }

  /** The pair of two points in time order, or null when they are not to be compared. */
  private Pair pair(Point from, Point to) {
    Duration gap = Duration.between(from.time(), to.time());
    if (gap.compareTo(spec.maxGap()) > 0) {
      return null;
    }
    double distance =
        Math.max(
            0,
            distanceM(from.lat(), from.lon(), to.lat(), to.lon())
                - from.accuracyM()
                - to.accuracyM());
    if (distance < spec.minDistanceM() || distance == 0) {
      return null;
    }
    Duration counted = gap.compareTo(spec.minInterval()) < 0 ? spec.minInterval() : gap;
    double seconds = counted.toNanos() / 1e9;
    return new Pair(from, to, distance, seconds, distance / 1000 / (seconds / 3600));
  }

  /** Great-circle distance by the haversine formula, in metres. */
  static double distanceM(double lat1, double lon1, double lat2, double lon2) {
    double phi1 = Math.toRadians(lat1);
    double phi2 = Math.toRadians(lat2);
    double dPhi = Math.toRadians(lat2 - lat1);
    double dLambda = Math.toRadians(lon2 - lon1);
    double h =
        Math.pow(Math.sin(dPhi / 2), 2)
            + Math.cos(phi1) * Math.cos(phi2) * Math.pow(Math.sin(dLambda / 2), 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  private Detection detect(List<Object> key, Pair pair, Event arrived) {
    Map<String, Object> keyMap = GroupKeys.asMap(spec.groupBy(), key);
    List<String> eventIds = List.of(pair.from().eventId(), pair.to().eventId());
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("speedKmh", Math.round(pair.speedKmh() * 10) / 10.0);
    values.put("distanceM", Math.round(pair.distanceM() * 10) / 10.0);
    values.put("seconds", Math.round(pair.seconds() * 1000) / 1000.0);
    values.put("fromLat", pair.from().lat());
    values.put("fromLon", pair.from().lon());
    values.put("toLat", pair.to().lat());
    values.put("toLon", pair.to().lon());
    return new Detection(
        ids.idFor(rule.id(), rule.version(), keyMap, eventIds),
        rule.id(),
        rule.version(),
        keyMap,
        pair.from().time(),
        pair.to().time(),
        2,
        values,
        eventIds,
        pair.from().eventId(),
        pair.to().eventId(),
        clock.instant(),
        rule.destinations(),
        rule.severity().yamlName(),
        rule.labels(),
        EventSummary.of(arrived));
  }

  /** One geo fix of a key; {@code accuracyM} is 0 when not subtracted. */
  private record Point(Instant time, double lat, double lon, double accuracyM, String eventId) {}

  private record Pair(Point from, Point to, double distanceM, double seconds, double speedKmh) {}

  /** A key's recent points, oldest first, and its cooldown. */
  private static final class Track {
    final List<Point> points = new ArrayList<>(4);
    Instant coolUntil;

    Instant newest() {
      return points.isEmpty() ? Instant.MIN : points.get(points.size() - 1).time();
    }

    /** Whether the point is recent enough to compare: not older than newest minus maxGap. */
    boolean accepts(Point point, Duration maxGap) {
      return points.isEmpty() || !point.time().isBefore(KeyWindow.minus(newest(), maxGap));
    }

    /** Inserts in event-time order (after points of the same time) and returns its index. */
    int insert(Point point) {
      int index = points.size();
      while (index > 0 && points.get(index - 1).time().isAfter(point.time())) {
        index--;
      }
      points.add(index, point);
      return index;
    }

    /** Drops points too old to compare and those beyond {@link #MAX_POINTS_PER_KEY}. */
    void forget(Duration maxGap) {
      Instant oldest = KeyWindow.minus(newest(), maxGap);
      int drop = 0;
      while (drop < points.size() - 1 && points.get(drop).time().isBefore(oldest)) {
        drop++;
      }
      drop = Math.max(drop, points.size() - MAX_POINTS_PER_KEY);
      if (drop > 0) {
        points.subList(0, drop).clear();
      }
    }

    Map<String, Object> describe() {
      Map<String, Object> state = new LinkedHashMap<>();
      state.put(
          "points",
          points.stream()
              .map(
                  p ->
                      Map.<String, Object>of(
                          "time",
                          p.time().toString(),
                          "lat",
                          p.lat(),
                          "lon",
                          p.lon(),
                          "eventId",
                          p.eventId()))
              .toList());
      if (coolUntil != null) {
        state.put("cooldownUntil", coolUntil.toString());
      }
      return state;
    }

    boolean coolingDown(Instant time) {
      return coolUntil != null && time.isBefore(coolUntil);
    }
  }
}
