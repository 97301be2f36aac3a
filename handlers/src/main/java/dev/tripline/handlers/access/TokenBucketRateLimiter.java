package dev.tripline.handlers.access;

import dev.tripline.handlers.IngestObserver;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Token-bucket rate limits: one bucket per configured source, and optionally one per client address
 * across all sources. A request needs a token from both; when the source's bucket is empty the
 * address's token is given back, so that a refused request costs its client nothing.
 *
 * <p>The address buckets are bounded: past {@code maxAddresses}, full buckets are dropped (a full
 * bucket is the same as a new one, so this changes nothing for anyone), and if that is not enough,
 * because that many addresses are all sending at once, arbitrary ones go until a tenth of the room
 * is free again. Those start afresh with a full burst: under a spray of addresses the per-address
 * limit weakens rather than memory growing without bound.
 *
 * <p>Thread-safe: every event loop's HTTP server shares one.
 */
public final class TokenBucketRateLimiter implements RateLimiter {

  /** The {@code scope} reported for a source's limit. */
  public static final String SOURCE_SCOPE = "source";

  /** The {@code scope} reported for a client address's limit. */
  public static final String IP_SCOPE = "ip";

  private final Map<String, TokenBucket> bySource;
  private final Optional<RateLimit> perAddress;
  private final int maxAddresses;
  private final InstantSource clock;
  private final IngestObserver observer;
  private final Map<String, TokenBucket> byAddress = new ConcurrentHashMap<>();
  private final AtomicBoolean sweeping = new AtomicBoolean();

  /**
   * @param perSource the limit of each source that has one
   * @param perAddress the limit of each client address, if any
   * @param maxAddresses how many client addresses to hold buckets for, >= 1
   * @param observer told of every refusal
   */
  public TokenBucketRateLimiter(
      Map<String, RateLimit> perSource,
      Optional<RateLimit> perAddress,
      int maxAddresses,
      InstantSource clock,
      IngestObserver observer) {
    if (maxAddresses < 1) {
      throw new IllegalArgumentException("maxAddresses: must be >= 1, was " + maxAddresses);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    Map<String, TokenBucket> buckets = new HashMap<>();
    perSource.forEach((source, limit) -> buckets.put(source, new TokenBucket(limit, clock)));
    this.bySource = Map.copyOf(buckets);
    this.perAddress = Objects.requireNonNull(perAddress, "perAddress");
    this.maxAddresses = maxAddresses;
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /** Whether any limit is configured; when none is, {@link RateLimiter#NONE} does the same. */
  public boolean limitsAnything() {
    return !bySource.isEmpty() || perAddress.isPresent();
  }

  @Override
  public Duration acquire(String source, String clientIp) {
    TokenBucket address =
        perAddress.isPresent() && clientIp != null ? addressBucket(clientIp) : null;
    if (address != null) {
      Duration wait = address.tryAcquire();
      if (wait != null) {
        observer.rateLimited(IP_SCOPE, source);
        return wait;
      }
    }
    TokenBucket ofSource = source == null ? null : bySource.get(source);
    if (ofSource != null) {
      Duration wait = ofSource.tryAcquire();
      if (wait != null) {
        if (address != null) {
          address.refund();
        }
        observer.rateLimited(SOURCE_SCOPE, source);
        return wait;
      }
    }
    return null;
  }

  /** How many client addresses have a bucket now. */
  public int addressesTracked() {
    return byAddress.size();
  }

  private TokenBucket addressBucket(String clientIp) {
    TokenBucket bucket = byAddress.get(clientIp);
    if (bucket != null) {
      return bucket;
    }
    if (byAddress.size() >= maxAddresses) {
      evict();
    }
    return byAddress.computeIfAbsent(clientIp, ip -> new TokenBucket(perAddress.get(), clock));
  }

  /** Makes room; one thread at a time, the others go on (the bound is soft by a few entries). */
  private void evict() {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      byAddress.values().removeIf(TokenBucket::isFull);
      int target = maxAddresses - Math.max(1, maxAddresses / 10);
      Iterator<String> addresses = byAddress.keySet().iterator();
      while (byAddress.size() > target && addresses.hasNext()) {
        addresses.next();
        addresses.remove();
      }
    } finally {
      sweeping.set(false);
    }
  }
}
