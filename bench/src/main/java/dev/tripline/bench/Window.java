package dev.tripline.bench;

import java.time.Duration;

/**
 * The warm-up and measured periods of one run, fixed up front in {@link System#nanoTime()} terms.
 *
 * <p>Work that completes inside {@code [start, end)} is counted; work that completes during the
 * warm-up (JIT, connection set-up, first allocations) or after the end is not. Load stops being
 * offered at {@code end}, so every loop stops by itself.
 */
record Window(long startNanos, long endNanos) {

  static Window after(Duration warmup, Duration measured) {
    long start = System.nanoTime() + warmup.toNanos();
    return new Window(start, start + measured.toNanos());
  }

  boolean counts(long nanos) {
    return nanos >= startNanos && nanos < endNanos;
  }

  boolean over(long nanos) {
    return nanos >= endNanos;
  }

  double seconds() {
    return (endNanos - startNanos) / 1e9;
  }
}
