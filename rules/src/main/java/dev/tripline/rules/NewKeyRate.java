package dev.tripline.rules;

import java.time.Duration;
import java.util.Objects;

/**
 * How fast a rule may take on new keys ({@code new_keys: {rate, per, burst}}), as a token bucket:
 * at most {@code burst} at once after a quiet spell, {@code rate} per {@code per} on average.
 *
 * @param rate new keys per {@code per}, greater than zero; fractions allowed
 * @param per the period {@code rate} is counted over, greater than zero
 * @param burst the most new keys the rule may take at once, at least 1
 */
public record NewKeyRate(double rate, Duration per, int burst) {

  public NewKeyRate {
    if (!(rate > 0) || !Double.isFinite(rate)) {
      throw new IllegalArgumentException("rate: must be a number > 0, was " + rate);
    }
    Objects.requireNonNull(per, "per");
    if (per.isNegative() || per.isZero()) {
      throw new IllegalArgumentException("per: must be > 0s, was " + per);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst: must be an integer >= 1, was " + burst);
    }
  }

  /** New keys per second on average. */
  public double perSecond() {
    return rate / (per.toNanos() / 1e9);
  }

  /** One {@code per}'s worth of {@code rate}, rounded up, at least 1: the default burst. */
  public static int defaultBurst(double rate) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(rate)));
  }

  /** As written in a rule file: {@code rate: 2500, per: 1h, burst: 5000}. */
  @Override
  public String toString() {
    String number = rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
    return "rate: " + number + ", per: " + Durations.format(per) + ", burst: " + burst;
  }
}
