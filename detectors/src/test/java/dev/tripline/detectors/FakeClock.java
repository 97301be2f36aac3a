package dev.tripline.detectors;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when the test advances it. */
final class FakeClock implements InstantSource {

  private Instant now;

  FakeClock(Instant start) {
    this.now = start;
  }

  void advance(Duration amount) {
    now = now.plus(amount);
  }

  @Override
  public Instant instant() {
    return now;
  }
}
