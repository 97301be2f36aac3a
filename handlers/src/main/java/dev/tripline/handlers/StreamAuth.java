package dev.tripline.handlers;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a stream socket may stay unauthenticated, and how many refused frames it may send,
 * before it is closed with 1008 (see {@link StreamSession}).
 *
 * @param timeout time from the upgrade to a valid auth frame, when keys are required and the
 *     upgrade presented none (default 10 s)
 * @param maxFailures refused auth frames and unauthenticated event frames before the close (default
 *     3)
 */
record StreamAuth(Duration timeout, int maxFailures) {

  static final StreamAuth DEFAULTS = new StreamAuth(Duration.ofSeconds(10), 3);

  StreamAuth {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout: must be >= 1ms, was " + timeout);
    }
    if (maxFailures < 1) {
      throw new IllegalArgumentException("maxFailures: must be > 0, was " + maxFailures);
    }
  }
}
