package dev.tripline.gateway.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How much of the deliverer one destination may use, so that a slow, hanging or failing receiver
 * costs the others nothing: its own attempts in flight, its own bounded queue of due deliveries
 * (the outbox stays the source of truth; the queue only holds what is about to be sent), an
 * optional rate limit and a circuit breaker.
 *
 * @param maxConcurrency attempts in flight to this destination at once
 * @param queue due deliveries held in memory for this destination, waiting for a free slot, a rate
 *     token or a closed breaker; beyond it they wait in the outbox for a later poll
 * @param rateLimit requests per second, a token bucket holding one second's worth (at least one); 0
 *     for no limit
 * @param breakerFailures consecutive failed attempts (timeouts, connection errors, 408, 429, 5xx)
 *     that open the breaker
 * @param breakerCoolOff how long an open breaker stops attempts before one probe is let through
 */
public record DestinationLimits(
    int maxConcurrency, int queue, double rateLimit, int breakerFailures, Duration breakerCoolOff) {

  public static final int DEFAULT_MAX_CONCURRENCY = 8;
  public static final int DEFAULT_QUEUE = 1000;
  public static final double NO_RATE_LIMIT = 0;
  public static final int DEFAULT_BREAKER_FAILURES = 5;
  public static final Duration DEFAULT_BREAKER_COOL_OFF = Duration.ofSeconds(30);

  public static final int MAX_MAX_CONCURRENCY = 1000;
  public static final int MAX_QUEUE = 100_000;
  public static final double MAX_RATE_LIMIT = 100_000;
  public static final int MAX_BREAKER_FAILURES = 1000;

  /** 8 in flight, a queue of 1000, no rate limit, a breaker opening after 5 failures for 30 s. */
  public static final DestinationLimits DEFAULTS =
      new DestinationLimits(
          DEFAULT_MAX_CONCURRENCY,
          DEFAULT_QUEUE,
          NO_RATE_LIMIT,
          DEFAULT_BREAKER_FAILURES,
          DEFAULT_BREAKER_COOL_OFF);

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException listing every problem, each naming its configuration key
   */
  public DestinationLimits {
    List<String> problems =
        validate(maxConcurrency, queue, rateLimit, breakerFailures, breakerCoolOff);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * One message per problem, each starting with the key as written in {@code destinations.yaml}
   * (for example {@code max_concurrency: must be from 1 to 1000, was 0}).
   */
  public static List<String> validate(
      int maxConcurrency,
      int queue,
      double rateLimit,
      int breakerFailures,
      Duration breakerCoolOff) {
    List<String> problems = new ArrayList<>();
    if (maxConcurrency < 1 || maxConcurrency > MAX_MAX_CONCURRENCY) {
      problems.add(
          "max_concurrency: must be from 1 to " + MAX_MAX_CONCURRENCY + ", was " + maxConcurrency);
    }
    if (queue < 1 || queue > MAX_QUEUE) {
      problems.add("queue: must be from 1 to " + MAX_QUEUE + ", was " + queue);
    }
    if (Double.isNaN(rateLimit) || rateLimit < 0 || rateLimit > MAX_RATE_LIMIT) {
      problems.add(
          "rate_limit: must be > 0 and at most "
              + (long) MAX_RATE_LIMIT
              + " requests/s (omit it for no limit), was "
              + rateLimit);
    }
    if (breakerFailures < 1 || breakerFailures > MAX_BREAKER_FAILURES) {
      problems.add(
          "breaker.failures: must be from 1 to "
              + MAX_BREAKER_FAILURES
              + ", was "
              + breakerFailures);
    }
    if (breakerCoolOff == null || breakerCoolOff.toMillis() < 1) {
      problems.add("breaker.cool_off: must be >= 1ms, was " + breakerCoolOff);
    }
    return problems;
  }

  /** Whether requests to this destination are rate-limited. */
  public boolean rateLimited() {
    return rateLimit > 0;
  }
}
