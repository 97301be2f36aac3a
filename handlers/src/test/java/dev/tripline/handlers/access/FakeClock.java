package dev.tripline.handlers.access;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that moves only when the test says so. */
final class FakeClock implements InstantSource {

  private final AtomicReference<Instant> now;

  FakeClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  void advance(Duration duration) {
    now.updateAndGet(t -> t.plus(duration));
  }
}
