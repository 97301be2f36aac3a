package dev.tripline.gateway.delivery;

import dev.tripline.handlers.access.TokenBucket;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One destination's share of the {@link Deliverer}: its bounded queue of due deliveries, its
 * attempts in flight, its rate limit and its circuit breaker. Whatever one destination does (hang,
 * fail, throttle) fills only its own lane. Thread-safe: every method holds the lane's lock briefly
 * and never runs I/O under it.
 */
final class DestinationLane {

  /** A delivery taken from the queue to be attempted now, with its in-flight slot. */
  record Ticket(DeliveryRecord record, Promise<DeliveryStatus> slot) {}

  /** A queued delivery with its in-flight slot. */
  private record Waiting(DeliveryRecord record, Promise<DeliveryStatus> slot) {}

  private final String id;
  private final DestinationLimits limits;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private final TokenBucket bucket;
  private final CircuitBreaker breaker;
  private int running;
  private boolean wakeScheduled;
  private boolean halfOpened;

  DestinationLane(String id, DestinationLimits limits, InstantSource clock) {
    this.id = id;
    this.limits = limits;
    // one second's worth at once (at least one request), then the rate
    this.bucket =
        limits.rateLimited()
            ? new TokenBucket(limits.rateLimit(), Math.max(1, limits.rateLimit()), clock)
            : null;
    this.breaker = new CircuitBreaker(limits.breakerFailures(), limits.breakerCoolOff(), clock);
  }

  String id() {
    return id;
  }

  /** Queues a due delivery; false if the queue is full (it stays pending in the outbox). */
  synchronized boolean offer(DeliveryRecord record, Promise<DeliveryStatus> slot) {
    if (queue.size() >= limits.queue()) {
      return false;
    }
    queue.add(new Waiting(record, slot));
    return true;
  }

  /** How many more deliveries the queue takes now. */
  synchronized int room() {
    return limits.queue() - queue.size();
  }

  /** Deliveries held by this lane, queued or in flight: the outbox still lists them as due. */
  synchronized int held() {
    return queue.size() + running;
  }

  /**
   * Takes the next delivery if the lane may start one now: one is queued, a concurrency slot is
   * free, the breaker lets it through and the rate limit has a token. Consumes the token and, when
   * half-open, the breaker's single probe.
   */
  synchronized Optional<Ticket> next() {
    if (queue.isEmpty() || running >= limits.maxConcurrency() || !breaker.permits()) {
      return Optional.empty();
    }
    if (bucket != null && !bucket.tryTake()) {
      return Optional.empty();
    }
    if (breaker.state() == CircuitBreaker.State.OPEN) {
      halfOpened = true;
    }
    breaker.starting();
    running++;
    Waiting next = queue.poll();
    return Optional.of(new Ticket(next.record(), next.slot()));
  }

  /**
   * When the lane should be looked at again by timer because it holds work it may not start yet
   * (rate limit or open breaker), or empty when a finishing attempt or the next poll will do. Marks
   * the wake-up as scheduled, so only one timer runs per lane.
   */
  synchronized Optional<Duration> wakeUp() {
    if (wakeScheduled || queue.isEmpty() || running >= limits.maxConcurrency()) {
      return Optional.empty();
    }
    Duration wait = Duration.ZERO;
    if (!breaker.permits()) {
      wait = breaker.untilProbe();
      if (wait.isZero()) {
        // half-open with its probe out: the probe's end wakes the lane
        return Optional.empty();
      }
    } else if (bucket != null) {
      wait = bucket.untilNext();
    }
    if (wait.isZero()) {
      return Optional.empty();
    }
    wakeScheduled = true;
    return Optional.of(wait);
  }

  /** Whether the breaker went half-open since the last call (its probe started). */
  synchronized boolean takeHalfOpened() {
    boolean was = halfOpened;
    halfOpened = false;
    return was;
  }

  synchronized void woken() {
    wakeScheduled = false;
  }

  /**
   * An attempt of this lane finished its HTTP exchange; {@code healthy} says whether the answer
   * shows the destination up. Returns the breaker's new state if this changed it.
   */
  synchronized Optional<CircuitBreaker.State> judged(boolean healthy) {
    CircuitBreaker.State before = breaker.state();
    CircuitBreaker.State after = healthy ? breaker.succeeded() : breaker.failed();
    return after == before ? Optional.empty() : Optional.of(after);
  }

  /** An attempt of this lane is over (recorded or not): its concurrency slot is free. */
  synchronized void finished() {
    running--;
  }

  /** Empties the queue, for a stop: the deliveries stay pending in the outbox. */
  synchronized List<Ticket> drain() {
    List<Ticket> drained = new ArrayList<>();
    queue.forEach(w -> drained.add(new Ticket(w.record(), w.slot())));
    queue.clear();
    return drained;
  }

  synchronized int queued() {
    return queue.size();
  }

  synchronized int running() {
    return running;
  }

  synchronized CircuitBreaker.State breakerState() {
    return breaker.state();
  }
}
