package dev.tripline.gateway.delivery;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed delivery again and when to give up: exponential backoff with jitter, so that
 * a destination coming back from an outage is not hit by every pending delivery at the same moment.
 *
 * @param maxAttempts attempts before a delivery that keeps failing is dead (the first included)
 * @param initialBackoff the delay after the first failed attempt
 * @param maxBackoff the longest delay between two attempts
 * @param multiplier how much the delay grows after each failed attempt
 * @param jitter the random spread around each delay, as a fraction: 0.2 gives ±20 %
 * @param random uniform values in [0, 1) for the jitter; injected so tests are deterministic
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    double jitter,
    DoubleSupplier random) {

  /**
   * Default attempts: with the default backoff the last one comes about 8.5 minutes after the
   * first.
   */
  public static final int DEFAULT_MAX_ATTEMPTS = 10;

  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofHours(1);
  public static final double DEFAULT_MULTIPLIER = 2.0;
  public static final double DEFAULT_JITTER = 0.2;

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException naming the field, the value and the constraint
   */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(random, "random");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts: must be >= 1, was " + maxAttempts);
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff: must be > 0, was " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff: must be >= initialBackoff (" + initialBackoff + "), was " + maxBackoff);
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier: must be >= 1, was " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter < 1.0)) {
      throw new IllegalArgumentException("jitter: must be in [0, 1), was " + jitter);
    }
  }

  /** 10 attempts, 1 s doubling up to 1 h, ±20 % jitter. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        DEFAULT_MULTIPLIER,
        DEFAULT_JITTER,
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /** This policy with another source of randomness, e.g. a constant 0.5 for no jitter in tests. */
  public RetryPolicy withRandom(DoubleSupplier random) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, random);
  }

  /** This policy with another attempt limit. */
  public RetryPolicy withMaxAttempts(int maxAttempts) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, random);
  }

  /** Whether a delivery that failed its {@code attemptsMade}-th attempt may be tried again. */
  public boolean mayRetry(int attemptsMade) {
    return attemptsMade < maxAttempts;
  }

  /**
   * The delay before the next attempt once {@code attemptsMade} attempts failed: {@code
   * initialBackoff × multiplier^(attemptsMade-1)}, spread by the jitter, never above {@code
   * maxBackoff}.
   */
  public Duration backoff(int attemptsMade) {
    double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attemptsMade - 1));
    double capped = Math.min(base, maxBackoff.toMillis());
    double spread = 1.0 + jitter * (2.0 * random.getAsDouble() - 1.0);
    return Duration.ofMillis(Math.round(Math.min(capped * spread, maxBackoff.toMillis())));
  }
}
