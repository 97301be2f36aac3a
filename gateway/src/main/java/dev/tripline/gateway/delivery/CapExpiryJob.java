package dev.tripline.gateway.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes frequency-cap windows in which no send counts any more, every {@code interval}, so that
 * the windows of users never seen again do not pile up. A periodic delete rather than a TTL index
 * because the embedded server never expires anything; a tick that comes while a run is still going
 * is skipped.
 */
public final class CapExpiryJob implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CapExpiryJob.class);

  private final Vertx vertx;
  private final CapStore caps;
  private final Duration interval;
  private final InstantSource clock;

  private long timerId = -1;
  private Future<Long> running;

  public CapExpiryJob(Vertx vertx, CapStore caps, Duration interval, InstantSource clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.caps = Objects.requireNonNull(caps, "caps");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Starts the periodic timer; the first run is one interval from now. */
  public synchronized void start() {
    if (timerId < 0) {
      timerId = vertx.setPeriodic(interval.toMillis(), id -> runOnce());
    }
  }

  /**
   * Deletes the expired windows once, or returns the run already going.
   *
   * @return how many windows were deleted; a failure is logged and reported by the future
   */
  public synchronized Future<Long> runOnce() {
    if (running != null && !running.isComplete()) {
      return running;
    }
    Instant now = clock.instant();
    running =
        caps.deleteExpired(now)
            .onSuccess(
                deleted -> {
                  if (deleted > 0) {
                    LOG.info("deleted expired frequency-cap windows [count: {}]", deleted);
                  }
                })
            .onFailure(
                e ->
                    LOG.warn(
                        "failed to delete expired frequency-cap windows [error: {}]",
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
