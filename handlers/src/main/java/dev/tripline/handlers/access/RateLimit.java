package dev.tripline.handlers.access;

/**
 * A token-bucket limit: a sustained {@code rate} of requests per second, and a {@code burst} an
 * idle sender may spend at once.
 *
 * @param rate requests per second, > 0 (may be below 1: 0.5 is one request every two seconds)
 * @param burst the bucket's size, >= 1
 */
public record RateLimit(double rate, int burst) {

  public RateLimit {
    if (!(rate > 0) || !Double.isFinite(rate)) {
      throw new IllegalArgumentException("rate: must be a number > 0, was " + rate);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst: must be an integer >= 1, was " + burst);
    }
  }

  /** A limit whose burst is one second's worth of its rate (at least one request). */
  public static RateLimit of(double rate) {
    return new RateLimit(rate, defaultBurst(rate));
  }

  /** One second's worth of {@code rate}, rounded up, at least 1. */
  public static int defaultBurst(double rate) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(rate)));
  }
}
