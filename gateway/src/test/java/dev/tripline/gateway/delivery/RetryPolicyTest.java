package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

  private final RetryPolicy noJitter = RetryPolicy.defaults().withRandom(() -> 0.5);

  @ParameterizedTest(name = "after attempt {0}: {1}")
  @CsvSource({
    "1, PT5S",
    "2, PT5M",
    "3, PT30M",
    "4, PT2H",
    "5, PT5H",
    "6, PT10H",
    "7, PT14H",
    "8, PT20H",
    "9, PT24H"
  })
  void should_follow_the_standard_webhooks_schedule(int attemptsMade, Duration expected) {
    assertThat(noJitter.backoff(attemptsMade)).isEqualTo(expected);
  }

  @Test
  void should_give_ten_attempts_by_default() {
    assertThat(noJitter.maxAttempts()).isEqualTo(10);
    assertThat(noJitter.mayRetry(9)).isTrue();
    assertThat(noJitter.mayRetry(10)).isFalse();
    assertThatThrownBy(() -> noJitter.backoff(10))
        .hasMessage("attemptsMade: must be from 1 to 9, was 10");
  }

  @ParameterizedTest(name = "random {0}: {1}")
  @CsvSource({"0.0, PT24M", "0.25, PT27M", "0.5, PT30M", "0.999999, PT35M59.999S"})
  void should_spread_the_wait_by_twenty_percent(double random, Duration expected) {
    assertThat(RetryPolicy.defaults().withRandom(() -> random).backoff(3)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "scheduled 5m, Retry-After {0}: {1}")
  @CsvSource({
    "PT1S, PT5M", // never sooner than the schedule
    "PT20M, PT20M", // longer: obeyed
    "PT3H, PT1H" // beyond the bound: the bound
  })
  void should_let_retry_after_lengthen_the_wait_up_to_the_bound(
      Duration retryAfter, Duration expected) {
    assertThat(noJitter.backoff(2, Optional.of(retryAfter))).isEqualTo(expected);
  }

  @Test
  void should_extend_the_default_schedule_for_a_count() {
    assertThat(RetryPolicy.defaultSchedule(2))
        .containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5));
    assertThat(RetryPolicy.defaultSchedule(11))
        .hasSize(11)
        .endsWith(Duration.ofHours(24), Duration.ofHours(24));
    assertThat(noJitter.withSchedule(RetryPolicy.defaultSchedule(0)).mayRetry(1)).isFalse();
  }

  @Test
  void should_disable_only_after_failing_for_the_configured_time() {
    Instant since = Instant.parse("2026-11-21T10:00:00Z");

    assertThat(noJitter.shouldDisable(since, since.plus(Duration.ofDays(5)).minusSeconds(1)))
        .isFalse();
    assertThat(noJitter.shouldDisable(since, since.plus(Duration.ofDays(5)))).isTrue();
    assertThat(
            noJitter
                .withDisableAfter(Duration.ZERO)
                .shouldDisable(since, since.plus(Duration.ofDays(500))))
        .isFalse();
  }

  @Test
  void should_name_the_invalid_field() {
    assertThatThrownBy(() -> noJitter.withSchedule(List.of(Duration.ofSeconds(1), Duration.ZERO)))
        .hasMessage("schedule[1]: must be > 0s, was PT0S");
    assertThatThrownBy(
            () ->
                new RetryPolicy(List.of(), 1.5, Duration.ofHours(1), Duration.ofDays(5), () -> 0.5))
        .hasMessage("jitter: must be in [0, 1), was 1.5");
    assertThatThrownBy(() -> RetryPolicy.defaultSchedule(101))
        .hasMessage("count: must be an integer from 0 to 100, was 101");
  }
}
