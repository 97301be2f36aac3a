package dev.tripline.handlers.access;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A token bucket: {@code rate} tokens per second, holding at most {@code burst}, full at start.
 * Reads time from the injected clock only, so tests drive it with a fake one. Thread-safe: every
 * operation holds the bucket's lock for a few arithmetic steps.
 */
public final class TokenBucket {

  private static final double NANOS_PER_SECOND = 1e9;

  private final double rate;
  private final double burst;
  private final InstantSource clock;
  private double tokens;
  private Instant refilledAt;

  /** A bucket for {@code limit}. */
  public TokenBucket(RateLimit limit, InstantSource clock) {
    this(limit.rate(), limit.burst(), clock);
  }

  /**
   * @param rate tokens per second, > 0
   * @param burst the most tokens the bucket holds (what an idle sender may spend at once), >= 1
   */
  public TokenBucket(double rate, double burst, InstantSource clock) {
    if (!(rate > 0) || !Double.isFinite(rate)) {
      throw new IllegalArgumentException("rate: must be > 0, was " + rate);
    }
    if (!(burst >= 1) || !Double.isFinite(burst)) {
      throw new IllegalArgumentException("burst: must be >= 1, was " + burst);
    }
    this.rate = rate;
    this.burst = burst;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tokens = burst;
    this.refilledAt = clock.instant();
  }

  /** Takes a token if one is there. */
  public synchronized boolean tryTake() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /**
   * Takes a token if one is there.
   *
   * @return {@code null} when a token was taken, otherwise how long until one will be there
   */
  public synchronized Duration tryAcquire() {
    return tryTake() ? null : wait(tokens);
  }

  /** How long until a token is there; zero if one is. */
  public synchronized Duration untilNext() {
    refill();
    return tokens >= 1 ? Duration.ZERO : wait(tokens);
  }

  /** Gives back a token taken for something that did not happen after all. */
  public synchronized void refund() {
    refill();
    tokens = Math.min(burst, tokens + 1);
  }

  /**
   * Whether the bucket is full again, i.e. indistinguishable from a new one: a holder may drop it
   * and start afresh later without changing what its sender is allowed.
   */
  public synchronized boolean isFull() {
    refill();
    return tokens >= burst;
  }

  private Duration wait(double available) {
    return Duration.ofNanos((long) Math.ceil((1 - available) / rate * NANOS_PER_SECOND));
  }

  private void refill() {
    Instant now = clock.instant();
    if (now.isAfter(refilledAt)) {
      double elapsedSeconds = Duration.between(refilledAt, now).toNanos() / NANOS_PER_SECOND;
      tokens = Math.min(burst, tokens + elapsedSeconds * rate);
      refilledAt = now;
    }
  }
}
