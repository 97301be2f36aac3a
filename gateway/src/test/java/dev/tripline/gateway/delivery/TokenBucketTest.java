package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.handlers.access.TokenBucket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The shared token bucket as a destination lane uses it: one second's worth at once. */
class TokenBucketTest {

  private final FakeClock clock = new FakeClock(Instant.parse("2026-11-23T10:00:00Z"));

  private static int take(TokenBucket bucket) {
    int taken = 0;
    while (bucket.tryTake()) {
      taken++;
    }
    return taken;
  }

  @Test
  void should_allow_one_seconds_worth_at_once_then_the_rate() {
    TokenBucket bucket = new TokenBucket(10, 10, clock);

    assertThat(take(bucket)).isEqualTo(10);
    assertThat(bucket.untilNext()).isEqualTo(Duration.ofMillis(100));
    clock.advance(Duration.ofMillis(250));
    assertThat(take(bucket)).isEqualTo(2);
    clock.advance(Duration.ofMinutes(5));
    assertThat(take(bucket)).as("never more than one second's worth").isEqualTo(10);
  }

  @Test
  void should_hold_a_rate_below_one_per_second() {
    TokenBucket bucket = new TokenBucket(0.5, 1, clock);

    assertThat(take(bucket)).isEqualTo(1);
    clock.advance(Duration.ofMillis(1999));
    assertThat(take(bucket)).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(take(bucket)).isEqualTo(1);
  }
}
