package dev.tripline.gateway.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link GroupCommitWriter} queues and batches.
 *
 * @param queueCapacity the most events admitted and not yet durable (queued plus being written); a
 *     submission that would exceed it is refused at once with 503
 * @param maxBatchEvents the most events in one bulk write
 * @param maxConcurrentWrites the most bulk writes in flight at once
 * @param retryAfter what refused clients are told to wait before retrying
 */
public record WriterOptions(
    int queueCapacity, int maxBatchEvents, int maxConcurrentWrites, Duration retryAfter) {

  public static final int DEFAULT_QUEUE_CAPACITY = 20_000;
  public static final int DEFAULT_MAX_BATCH_EVENTS = 1_000;
  public static final int DEFAULT_MAX_CONCURRENT_WRITES = 2;
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  public WriterOptions {
    Objects.requireNonNull(retryAfter, "retryAfter");
    requirePositive("queueCapacity", queueCapacity);
    requirePositive("maxBatchEvents", maxBatchEvents);
    requirePositive("maxConcurrentWrites", maxConcurrentWrites);
    if (retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("retryAfter: must be > 0s, was " + retryAfter);
    }
  }

  /** 20 000 events queued, batches of up to 1 000, 4 writes in flight, retry after 1 s. */
  public static WriterOptions defaults() {
    return new WriterOptions(
        DEFAULT_QUEUE_CAPACITY,
        DEFAULT_MAX_BATCH_EVENTS,
        DEFAULT_MAX_CONCURRENT_WRITES,
        DEFAULT_RETRY_AFTER);
  }

  public WriterOptions withQueueCapacity(int queueCapacity) {
    return new WriterOptions(queueCapacity, maxBatchEvents, maxConcurrentWrites, retryAfter);
  }

  public WriterOptions withMaxBatchEvents(int maxBatchEvents) {
    return new WriterOptions(queueCapacity, maxBatchEvents, maxConcurrentWrites, retryAfter);
  }

  public WriterOptions withMaxConcurrentWrites(int maxConcurrentWrites) {
    return new WriterOptions(queueCapacity, maxBatchEvents, maxConcurrentWrites, retryAfter);
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": must be > 0, was " + value);
    }
  }
}
