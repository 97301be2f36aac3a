package dev.tripline.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes events older than {@link RetentionOptions#maxAge()} every {@link
 * RetentionOptions#interval()}.
 *
 * <p>A periodic delete rather than a TTL index because the embedded server accepts TTL indexes but
 * never expires anything; real MongoDB runs the same delete just as well. A run never overlaps the
 * previous one: a tick that comes while a delete is still running is skipped. Age is measured by
 * {@code receivedAt} (the gateway's clock), never by the sender's {@code timestamp}.
 */
public final class RetentionJob implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

  private final Vertx vertx;
  private final EventStore store;
  private final RetentionOptions options;
  private final InstantSource clock;

  private long timerId = -1;
  private Future<Long> running;

  public RetentionJob(
      Vertx vertx, EventStore store, RetentionOptions options, InstantSource clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Starts the periodic timer; the first run is one interval from now. */
  public synchronized void start() {
    if (timerId < 0) {
      timerId = vertx.setPeriodic(options.interval().toMillis(), id -> runOnce());
    }
  }

  /**
   * Deletes the events received before {@code now - maxAge} once. When a run is already going, this
   * returns that run instead of starting another one.
   *
   * @return how many events were deleted; a failure is logged and reported by the future
   */
  public synchronized Future<Long> runOnce() {
    if (running != null && !running.isComplete()) {
      return running;
    }
    Instant cutoff = clock.instant().minus(options.maxAge());
    running =
        store
            .deleteReceivedBefore(cutoff)
            .onSuccess(
                deleted -> log.info("deleted old events [count: {}, before: {}]", deleted, cutoff))
            .onFailure(
                e ->
                    log.warn(
                        "failed to delete old events [before: {}, error: {}]",
                        cutoff,
                        e.getMessage()));
    return running;
  }

  /** Stops the timer; a run already going finishes on its own. */
  @Override
  public synchronized void close() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }
}
