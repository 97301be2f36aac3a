package dev.tripline.handlers.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

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
  void should_allow_the_burst_at_once_then_the_rate() {
    TokenBucket bucket = new TokenBucket(10, 25, clock);

    assertThat(take(bucket)).isEqualTo(25);
    assertThat(bucket.untilNext()).isEqualTo(Duration.ofMillis(100));
    clock.advance(Duration.ofMillis(250));
    assertThat(take(bucket)).isEqualTo(2);
    clock.advance(Duration.ofMinutes(5));
    assertThat(take(bucket)).as("never more than the burst").isEqualTo(25);
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

  @Test
  void should_say_how_long_until_the_next_token_when_it_refuses() {
    TokenBucket bucket = new TokenBucket(4, 1, clock);

    assertThat(bucket.tryAcquire()).isNull();
    assertThat(bucket.tryAcquire()).isEqualTo(Duration.ofMillis(250));
    clock.advance(Duration.ofMillis(100));
    assertThat(bucket.tryAcquire()).isEqualTo(Duration.ofMillis(150));
    clock.advance(Duration.ofMillis(150));
    assertThat(bucket.tryAcquire()).isNull();
  }

  @Test
  void should_take_back_a_refunded_token_up_to_the_burst() {
    TokenBucket bucket = new TokenBucket(1, 2, clock);
    bucket.refund();
    assertThat(take(bucket)).as("a full bucket stays at its burst").isEqualTo(2);
    bucket.refund();
    assertThat(take(bucket)).isEqualTo(1);
  }

  @Test
  void should_be_full_again_once_idle_for_burst_over_rate() {
    TokenBucket bucket = new TokenBucket(2, 4, clock);
    assertThat(bucket.isFull()).isTrue();
    bucket.tryTake();
    assertThat(bucket.isFull()).isFalse();
    clock.advance(Duration.ofMillis(499));
    assertThat(bucket.isFull()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(bucket.isFull()).isTrue();
  }

  @Test
  void should_never_hand_out_more_than_its_tokens_across_threads() throws Exception {
    TokenBucket bucket = new TokenBucket(1, 1000, clock);
    AtomicInteger taken = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int t = 0; t < 4; t++) {
        pool.execute(
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              for (int i = 0; i < 500; i++) {
                if (bucket.tryTake()) {
                  taken.incrementAndGet();
                }
              }
            });
      }
      start.countDown();
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(taken.get()).isEqualTo(1000);
  }

  @Test
  void should_refuse_a_rate_or_burst_that_cannot_work() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, clock)).hasMessageContaining("rate");
    assertThatThrownBy(() -> new TokenBucket(1, 0.5, clock)).hasMessageContaining("burst");
    assertThatThrownBy(() -> new RateLimit(1, 0)).hasMessageContaining("burst");
    assertThat(RateLimit.of(0.2).burst()).isEqualTo(1);
    assertThat(RateLimit.of(7.5).burst()).isEqualTo(8);
  }
}
