package dev.tripline.rules;

import java.time.Duration;
import java.util.List;

/**
 * Impossible travel: fires when one key moves between two consecutive geo points (in event time)
 * faster than {@code maxSpeedKmh}.
 *
 * @param groupBy event field paths that form the key, e.g. {@code [userId]}; an event lacking any
 *     of them, or lacking {@code geo}, is skipped by the rule
 * @param maxSpeedKmh the speed above which the rule fires, in km/h, greater than zero
 * @param minDistanceM pairs of points closer than this (after accuracy subtraction) never fire, in
 *     metres, at least zero
 * @param minInterval the floor on the time between two points: a shorter gap counts as this long,
 *     so that two points a millisecond apart do not make an infinite speed
 * @param maxGap points further apart in time than this are not compared (a long gap says nothing
 *     about speed); also how late an out-of-order point may arrive and still be compared
 * @param subtractAccuracy whether the points' {@code geo.accuracyM} radii are subtracted from the
 *     distance, so that GPS noise does not fire
 */
public record VelocitySpec(
    List<String> groupBy,
    double maxSpeedKmh,
    double minDistanceM,
    Duration minInterval,
    Duration maxGap,
    boolean subtractAccuracy)
    implements DetectorSpec {

  /** Default {@link #minInterval()}. */
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(1);

  /** Default {@link #maxGap()}. */
  public static final Duration DEFAULT_MAX_GAP = Duration.ofHours(24);

  public VelocitySpec {
    groupBy = List.copyOf(groupBy);
  }

  @Override
  public List<String> keyFields() {
    return groupBy;
  }

  @Override
  public String kind() {
    return "velocity";
  }
}
