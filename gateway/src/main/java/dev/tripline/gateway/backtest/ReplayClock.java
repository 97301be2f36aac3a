package dev.tripline.gateway.backtest;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The clock of a replay: it stands at the event time of the event being replayed, so that windows,
 * cooldowns, timers and {@code detectedAt} all follow event time. It never moves back.
 */
final class ReplayClock implements InstantSource {

  private Instant now;

  ReplayClock(Instant start) {
    this.now = start;
  }

  /** Moves the clock forward to {@code time}; an earlier time leaves it where it is. */
  void moveTo(Instant time) {
    if (time.isAfter(now)) {
      now = time;
    }
  }

  @Override
  public Instant instant() {
    return now;
  }
}
