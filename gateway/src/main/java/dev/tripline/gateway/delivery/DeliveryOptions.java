package dev.tripline.gateway.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link Deliverer} paces its work.
 *
 * @param retry when to retry and when to give up
 * @param pollInterval how often the outbox is scanned for due deliveries (retries, and deliveries
 *     left pending by a restart)
 * @param maxConcurrentAttempts the most HTTP attempts in flight at once across all destinations;
 *     beyond it, due deliveries wait in their destinations' queues (each destination's own {@link
 *     DestinationLimits#maxConcurrency()} bounds its share)
 */
public record DeliveryOptions(RetryPolicy retry, Duration pollInterval, int maxConcurrentAttempts) {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_CONCURRENT_ATTEMPTS = 32;

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException naming the field, the value and the constraint
   */
  public DeliveryOptions {
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.toMillis() < 1) {
      throw new IllegalArgumentException("pollInterval: must be >= 1ms, was " + pollInterval);
    }
    if (maxConcurrentAttempts < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentAttempts: must be >= 1, was " + maxConcurrentAttempts);
    }
  }

  /** The default retry policy, a poll every second, 32 concurrent attempts. */
  public static DeliveryOptions defaults() {
    return new DeliveryOptions(
        RetryPolicy.defaults(), DEFAULT_POLL_INTERVAL, DEFAULT_MAX_CONCURRENT_ATTEMPTS);
  }

  /** These options with another retry policy. */
  public DeliveryOptions withRetry(RetryPolicy retry) {
    return new DeliveryOptions(retry, pollInterval, maxConcurrentAttempts);
  }

  /** These options with another poll interval. */
  public DeliveryOptions withPollInterval(Duration pollInterval) {
    return new DeliveryOptions(retry, pollInterval, maxConcurrentAttempts);
  }
}
