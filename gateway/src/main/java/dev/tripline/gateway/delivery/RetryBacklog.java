package dev.tripline.gateway.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts, every interval, each destination's deliveries waiting for a retry in the outbox, for the
 * {@code retries pending} gauge. A count is a query, so it is taken periodically rather than on
 * every scrape; a failed count keeps the last value.
 */
public final class RetryBacklog {

  private static final Logger LOG = LoggerFactory.getLogger(RetryBacklog.class);

  private final Vertx vertx;
  private final DeliveryStore store;
  private final Duration interval;
  private final Map<String, AtomicLong> pending = new LinkedHashMap<>();
  private volatile long timerId = -1;
  private volatile boolean stopped;

  public RetryBacklog(
      Vertx vertx, DeliveryStore store, Set<String> destinations, Duration interval) {
    this.vertx = vertx;
    this.store = store;
    this.interval = interval;
    destinations.forEach(id -> pending.put(id, new AtomicLong()));
  }

  /** The last count for the destination (0 before the first, or for an unknown destination). */
  public long pending(String destination) {
    AtomicLong count = pending.get(destination);
    return count == null ? 0 : count.get();
  }

  /** Counts now and then every interval. */
  public void start() {
    refresh()
        .onComplete(
            ignored -> {
              timerId = vertx.setPeriodic(interval.toMillis(), id -> refresh());
              // a stop while the first count ran must not leave the timer behind
              if (stopped) {
                vertx.cancelTimer(timerId);
              }
            });
  }

  /** Stops counting; the last counts stay readable. */
  public void stop() {
    stopped = true;
    long timer = timerId;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Counts every destination's pending retries once. */
  public Future<Void> refresh() {
    List<Future<Long>> counts = new ArrayList<>();
    pending.forEach(
        (destination, count) ->
            counts.add(
                store
                    .countRetriesPending(destination)
                    .onSuccess(count::set)
                    .onFailure(
                        e ->
                            LOG.debug(
                                "cannot count pending retries [destination: {}, error: {}]",
                                destination,
                                e.getMessage()))));
    return Future.join(counts).mapEmpty();
  }
}
