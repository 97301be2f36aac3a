package dev.tripline.gateway.store;

import java.time.Duration;

/**
 * What {@link GroupCommitWriter} reports for metrics. Must not block. Every method does nothing by
 * default.
 */
public interface WriterObserver {

  /** Observes nothing. */
  WriterObserver NONE = new WriterObserver() {};

  /**
   * On the writer's context: a bulk write of {@code size} events became durable ({@code duplicates}
   * of them not stored).
   */
  default void batchWritten(int size, int duplicates, Duration latency) {}

  /**
   * On the writer's context: a bulk write of {@code size} events failed; its submissions were
   * failed.
   */
  default void batchFailed(int size, Duration latency, Throwable cause) {}

  /**
   * A submission of {@code events} events was refused before anything was queued. Unlike the other
   * methods this one runs on the caller's thread, which may be any event loop.
   */
  default void rejected(int events, String reason) {}
}
