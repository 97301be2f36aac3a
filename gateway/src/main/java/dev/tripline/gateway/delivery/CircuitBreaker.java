package dev.tripline.gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;

/**
 * A destination's circuit breaker: {@code failures} consecutive failed attempts open it; while open
 * no attempt starts; once {@code coolOff} has passed it lets one probe through (half-open); the
 * probe's success closes it, its failure opens it for another cool-off. Reads time from the
 * injected clock only. Not thread-safe: its lane guards it.
 */
final class CircuitBreaker {

  /** The breaker's state, as shown in metrics and logs. */
  enum State {
    CLOSED,
    HALF_OPEN,
    OPEN;

    /** The lowercase name, for metrics and logs. */
    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final int failures;
  private final Duration coolOff;
  private final InstantSource clock;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private Instant openedAt;
  private boolean probing;

  CircuitBreaker(int failures, Duration coolOff, InstantSource clock) {
    this.failures = failures;
    this.coolOff = coolOff;
    this.clock = clock;
  }

  /** Whether an attempt may start now; does not take the half-open probe. */
  boolean permits() {
    return switch (state) {
      case CLOSED -> true;
      case HALF_OPEN -> !probing;
      case OPEN -> !clock.instant().isBefore(openedAt.plus(coolOff));
    };
  }

  /** Records that an attempt starts; call only after {@link #permits()} said yes. */
  void starting() {
    if (state == State.OPEN) {
      state = State.HALF_OPEN;
    }
    if (state == State.HALF_OPEN) {
      probing = true;
    }
  }

  /** How long until an open breaker lets a probe through; zero if it would now. */
  Duration untilProbe() {
    if (state != State.OPEN) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), openedAt.plus(coolOff));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** The destination answered in a way that says it is up (2xx, or a 4xx other than 408/429). */
  State succeeded() {
    consecutiveFailures = 0;
    probing = false;
    state = State.CLOSED;
    return state;
  }

  /** The attempt failed in a way that says the destination is unwell. */
  State failed() {
    switch (state) {
      case HALF_OPEN -> open();
      case CLOSED -> {
        consecutiveFailures++;
        if (consecutiveFailures >= failures) {
          open();
        }
      }
      case OPEN -> {
        // an attempt started before the breaker opened: the cool-off runs from the opening
      }
    }
    return state;
  }

  State state() {
    return state;
  }

  private void open() {
    state = State.OPEN;
    openedAt = clock.instant();
    probing = false;
    consecutiveFailures = 0;
  }
}
