package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.gateway.delivery.CircuitBreaker.State;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private final FakeClock clock = new FakeClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), clock);

  private void attemptFailing() {
    assertThat(breaker.permits()).isTrue();
    breaker.starting();
    breaker.failed();
  }

  @Test
  void should_open_after_consecutive_failures_only() {
    attemptFailing();
    attemptFailing();
    breaker.starting();
    breaker.succeeded(); // resets the count
    attemptFailing();
    attemptFailing();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);

    attemptFailing();

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.permits()).isFalse();
    assertThat(breaker.untilProbe()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void should_let_one_probe_through_after_the_cool_off_and_close_on_its_success() {
    attemptFailing();
    attemptFailing();
    attemptFailing();
    clock.advance(Duration.ofMillis(29_999));
    assertThat(breaker.permits()).isFalse();

    clock.advance(Duration.ofMillis(1));
    assertThat(breaker.permits()).isTrue();
    breaker.starting();

    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.permits()).as("a second probe").isFalse();
    assertThat(breaker.succeeded()).isEqualTo(State.CLOSED);
    assertThat(breaker.permits()).isTrue();
  }

  @Test
  void should_open_again_for_a_full_cool_off_when_the_probe_fails() {
    attemptFailing();
    attemptFailing();
    attemptFailing();
    clock.advance(Duration.ofSeconds(31));
    breaker.starting();

    assertThat(breaker.failed()).isEqualTo(State.OPEN);
    assertThat(breaker.permits()).isFalse();
    assertThat(breaker.untilProbe()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void should_not_extend_the_cool_off_for_failures_of_attempts_started_before_it_opened() {
    attemptFailing();
    attemptFailing();
    attemptFailing();
    clock.advance(Duration.ofSeconds(10));

    breaker.failed();

    assertThat(breaker.untilProbe()).isEqualTo(Duration.ofSeconds(20));
  }
}
