package dev.tripline.rules;

import dev.tripline.rules.yaml.YamlMapping;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code detect.velocity}: {@code group_by}, {@code max_speed_kmh}, {@code min_distance_m},
 * {@code min_interval}, {@code max_gap}, {@code subtract_accuracy}.
 */
final class VelocityReader {

  /** Faster than anything that travels; a larger limit is a typo. */
  static final double MAX_SPEED_KMH = 100_000;

  /** Half the Earth's circumference: no two points are further apart. */
  static final double MAX_DISTANCE_M = 20_037_509;

  /** Longer gaps would keep too much per-key state and say nothing about speed. */
  static final Duration MAX_GAP = Duration.ofDays(30);

  private static final Set<String> FIELDS =
      Set.of(
          "group_by",
          "max_speed_kmh",
          "min_distance_m",
          "min_interval",
          "max_gap",
          "subtract_accuracy");

  private VelocityReader() {}

  static Optional<DetectorSpec> read(YamlMapping options) {
    options.rejectUnknownKeys(FIELDS);
    Optional<List<String>> groupBy = KeyPaths.required(options, "group_by");
    Optional<Double> maxSpeed =
        options
            .requiredNumber("max_speed_kmh", 0, MAX_SPEED_KMH)
            .filter(speed -> options.check("max_speed_kmh", speed > 0, "must be > 0"));
    boolean valid = true;
    Optional<Double> minDistance =
        options.has("min_distance_m")
            ? options.optionalNumber("min_distance_m", 0, MAX_DISTANCE_M)
            : Optional.of(0.0);
    Optional<Duration> minInterval =
        options.has("min_interval")
            ? options
                .optionalDuration("min_interval")
                .filter(d -> options.check("min_interval", !d.isZero(), "must be > 0s"))
            : Optional.of(VelocitySpec.DEFAULT_MIN_INTERVAL);
    Optional<Duration> maxGap =
        options.has("max_gap")
            ? options
                .optionalDuration("max_gap")
                .filter(
                    d ->
                        options.check(
                            "max_gap",
                            d.compareTo(MAX_GAP) <= 0,
                            "must be <= " + Durations.format(MAX_GAP)))
            : Optional.of(VelocitySpec.DEFAULT_MAX_GAP);
    if (minInterval.isPresent() && maxGap.isPresent()) {
      valid &=
          options.check(
              options.has("max_gap") ? "max_gap" : "min_interval",
              maxGap.get().compareTo(minInterval.get()) > 0,
              "max_gap must be longer than min_interval ("
                  + Durations.format(minInterval.get())
                  + ")");
    }
    Optional<Boolean> subtractAccuracy =
        options.has("subtract_accuracy")
            ? options.optionalBoolean("subtract_accuracy")
            : Optional.of(true);
    if (!valid
        || groupBy.isEmpty()
        || maxSpeed.isEmpty()
        || minDistance.isEmpty()
        || minInterval.isEmpty()
        || maxGap.isEmpty()
        || subtractAccuracy.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new VelocitySpec(
            groupBy.get(),
            maxSpeed.get(),
            minDistance.get(),
            minInterval.get(),
            maxGap.get(),
            subtractAccuracy.get()));
  }
}
