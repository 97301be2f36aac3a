package dev.tripline.gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed delivery again and when to give up: a schedule of waits, as Standard
 * Webhooks recommends, spread by jitter so that a destination coming back from an outage is not hit
 * by every pending delivery at the same moment.
 *
 * <p>The first attempt is always made at once; {@code schedule} lists the waits before each retry,
 * so a delivery gets {@code 1 + schedule.size()} attempts. A {@code Retry-After} answer can only
 * lengthen the next wait, and by at most {@code maxRetryAfter}.
 *
 * @param schedule the wait before the 1st, 2nd, ... retry; empty for no retries
 * @param jitter the random spread around each wait, as a fraction: 0.2 gives ±20 %
 * @param maxRetryAfter the longest wait a {@code Retry-After} answer is obeyed for
 * @param disableAfter how long a destination may keep failing (retryable failures, no success in
 *     between) before it is disabled; zero never disables
 * @param random uniform values in [0, 1) for the jitter; injected so tests are deterministic
 */
public record RetryPolicy(
    List<Duration> schedule,
    double jitter,
    Duration maxRetryAfter,
    Duration disableAfter,
    DoubleSupplier random) {

  /**
   * Standard Webhooks' schedule after the immediate first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10
   * h, 14 h, 20 h, 24 h (10 attempts over about 3 days 4 hours).
   */
  public static final List<Duration> DEFAULT_SCHEDULE =
      List.of(
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofMinutes(30),
          Duration.ofHours(2),
          Duration.ofHours(5),
          Duration.ofHours(10),
          Duration.ofHours(14),
          Duration.ofHours(20),
          Duration.ofHours(24));

  public static final double DEFAULT_JITTER = 0.2;
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofHours(1);
  public static final Duration DEFAULT_DISABLE_AFTER = Duration.ofDays(5);

  /** The most retries a schedule may list. */
  public static final int MAX_RETRIES = 100;

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException naming the field, the value and the constraint
   */
  public RetryPolicy {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    Objects.requireNonNull(disableAfter, "disableAfter");
    Objects.requireNonNull(random, "random");
    List<String> problems = validateSchedule(schedule);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    schedule = List.copyOf(schedule);
    if (!(jitter >= 0.0 && jitter < 1.0)) {
      throw new IllegalArgumentException("jitter: must be in [0, 1), was " + jitter);
    }
    if (maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("maxRetryAfter: must be >= 0, was " + maxRetryAfter);
    }
    if (disableAfter.isNegative()) {
      throw new IllegalArgumentException("disableAfter: must be >= 0, was " + disableAfter);
    }
  }

  /**
   * Problems with a schedule, each naming the entry: {@code schedule[2]: must be > 0s, was "PT0S"}.
   * Empty when it is valid.
   */
  public static List<String> validateSchedule(List<Duration> schedule) {
    if (schedule.size() > MAX_RETRIES) {
      return List.of(
          "schedule: must list at most " + MAX_RETRIES + " waits, had " + schedule.size());
    }
    java.util.ArrayList<String> problems = new java.util.ArrayList<>();
    for (int i = 0; i < schedule.size(); i++) {
      Duration wait = schedule.get(i);
      if (wait == null || wait.isNegative() || wait.isZero()) {
        problems.add("schedule[" + i + "]: must be > 0s, was " + wait);
      }
    }
    return problems;
  }

  /**
   * Standard Webhooks' schedule, ±20 % jitter, {@code Retry-After} obeyed up to 1 h, destinations
   * disabled after failing for 5 days.
   */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        DEFAULT_SCHEDULE,
        DEFAULT_JITTER,
        DEFAULT_MAX_RETRY_AFTER,
        DEFAULT_DISABLE_AFTER,
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * The first {@code retries} waits of {@link #DEFAULT_SCHEDULE}, repeating its last wait (24 h)
   * when more are asked for: what a destination's {@code retry: {count: N}} means.
   */
  public static List<Duration> defaultSchedule(int retries) {
    if (retries < 0 || retries > MAX_RETRIES) {
      throw new IllegalArgumentException(
          "count: must be an integer from 0 to " + MAX_RETRIES + ", was " + retries);
    }
    java.util.ArrayList<Duration> waits = new java.util.ArrayList<>(retries);
    for (int i = 0; i < retries; i++) {
      waits.add(DEFAULT_SCHEDULE.get(Math.min(i, DEFAULT_SCHEDULE.size() - 1)));
    }
    return waits;
  }

  /** This policy with another source of randomness, e.g. a constant 0.5 for no jitter in tests. */
  public RetryPolicy withRandom(DoubleSupplier random) {
    return new RetryPolicy(schedule, jitter, maxRetryAfter, disableAfter, random);
  }

  /** This policy with another schedule (a destination's own). */
  public RetryPolicy withSchedule(List<Duration> schedule) {
    return new RetryPolicy(schedule, jitter, maxRetryAfter, disableAfter, random);
  }

  /** This policy with another disable-after (a destination's own). */
  public RetryPolicy withDisableAfter(Duration disableAfter) {
    return new RetryPolicy(schedule, jitter, maxRetryAfter, disableAfter, random);
  }

  /**
   * Whether a destination failing since {@code failingSince} has failed long enough at {@code now}
   * to be disabled.
   */
  public boolean shouldDisable(Instant failingSince, Instant now) {
    return !disableAfter.isZero() && !now.isBefore(failingSince.plus(disableAfter));
  }

  /** Attempts a delivery gets before it is dead, the first included. */
  public int maxAttempts() {
    return schedule.size() + 1;
  }

  /** Whether a delivery that failed its {@code attemptsMade}-th attempt may be tried again. */
  public boolean mayRetry(int attemptsMade) {
    return attemptsMade < maxAttempts();
  }

  /**
   * The wait before the next attempt once {@code attemptsMade} attempts failed: the schedule's
   * entry, spread by the jitter.
   *
   * @throws IllegalArgumentException if {@link #mayRetry} is false for {@code attemptsMade}
   */
  public Duration backoff(int attemptsMade) {
    if (attemptsMade < 1 || !mayRetry(attemptsMade)) {
      throw new IllegalArgumentException(
          "attemptsMade: must be from 1 to " + schedule.size() + ", was " + attemptsMade);
    }
    double base = schedule.get(attemptsMade - 1).toMillis();
    double spread = 1.0 + jitter * (2.0 * random.getAsDouble() - 1.0);
    return Duration.ofMillis(Math.round(base * spread));
  }

  /**
   * The wait before the next attempt when the destination also asked for {@code retryAfter}: the
   * longer of the two, but a {@code Retry-After} counts only up to {@link #maxRetryAfter}, so a
   * receiver can slow its retries down and never stall them for days.
   */
  public Duration backoff(int attemptsMade, Optional<Duration> retryAfter) {
    Duration scheduled = backoff(attemptsMade);
    if (retryAfter.isEmpty()) {
      return scheduled;
    }
    Duration asked =
        retryAfter.get().compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter.get();
    return asked.compareTo(scheduled) > 0 ? asked : scheduled;
  }
}
