package dev.tripline.handlers;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Lets one log line through per interval and counts the rest, so that a client repeating a bad
 * request, or a flood of forged keys, cannot flood the log: the next line that goes through says
 * how many were left out. Thread-safe: server instances on several event loops share one.
 */
public final class LogThrottle {

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private long lastLogged;
  private boolean logged;
  private long suppressed;

  /**
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime})
   */
  public LogThrottle(Duration interval, LongSupplier nanoTime) {
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * @return -1 when this line is to be left out (it is counted), else the number of lines left out
   *     since the last one that went through
   */
  public synchronized long admit() {
    long now = nanoTime.getAsLong();
    if (logged && now - lastLogged < intervalNanos) {
      suppressed++;
      return -1;
    }
    logged = true;
    lastLogged = now;
    long left = suppressed;
    suppressed = 0;
    return left;
  }
}
