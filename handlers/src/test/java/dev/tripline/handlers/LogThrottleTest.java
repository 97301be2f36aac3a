package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), now::get);

  @Test
  void should_let_one_line_through_per_interval_and_count_the_others() {
    assertThat(throttle.admit()).isZero();
    for (int i = 0; i < 4; i++) {
      now.addAndGet(Duration.ofSeconds(2).toNanos());
      assertThat(throttle.admit()).isEqualTo(-1);
    }

    now.addAndGet(Duration.ofSeconds(2).toNanos()); // 10 s after the first

    assertThat(throttle.admit()).as("lines left out since").isEqualTo(4);
    assertThat(throttle.admit()).isEqualTo(-1);
  }

  @Test
  void should_let_the_first_line_through_whatever_the_clock_reads() {
    LogThrottle atMinimum = new LogThrottle(Duration.ofSeconds(10), () -> Long.MIN_VALUE);

    assertThat(atMinimum.admit()).isZero();
    assertThat(atMinimum.admit()).isEqualTo(-1);
  }
}
