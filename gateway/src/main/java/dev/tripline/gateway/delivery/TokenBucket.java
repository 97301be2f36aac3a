package dev.tripline.gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A token bucket: {@code rate} tokens per second, holding at most one second's worth (at least
 * one), full at start. Reads time from the injected clock only. Not thread-safe: its lane guards
 * it.
 */
final class TokenBucket {

  private static final double NANOS_PER_SECOND = 1e9;

  private final double rate;
  private final double capacity;
  private final InstantSource clock;
  private double tokens;
  private Instant refilledAt;

  /**
   * @param rate tokens per second, > 0
   */
  TokenBucket(double rate, InstantSource clock) {
    if (!(rate > 0)) {
      throw new IllegalArgumentException("rate: must be > 0, was " + rate);
    }
    this.rate = rate;
    this.capacity = Math.max(1, rate);
    this.clock = clock;
    this.tokens = capacity;
    this.refilledAt = clock.instant();
  }

  /** Takes a token if one is there. */
  boolean tryTake() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** How long until a token is there; zero if one is. */
  Duration untilNext() {
    refill();
    if (tokens >= 1) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1 - tokens) / rate * NANOS_PER_SECOND));
  }

  private void refill() {
    Instant now = clock.instant();
    if (now.isAfter(refilledAt)) {
      double elapsedSeconds = Duration.between(refilledAt, now).toNanos() / NANOS_PER_SECOND;
      tokens = Math.min(capacity, tokens + elapsedSeconds * rate);
      refilledAt = now;
    }
  }
}
