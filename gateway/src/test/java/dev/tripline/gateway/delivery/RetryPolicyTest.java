package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

  private final RetryPolicy noJitter = RetryPolicy.defaults().withRandom(() -> 0.5);

  @ParameterizedTest(name = "after attempt {0}: {1}")
  @CsvSource({
    "1, PT1S",
    "2, PT2S",
    "3, PT4S",
    "10, PT8M32S",
    "12, PT34M8S",
    "13, PT1H",
    "40, PT1H"
  })
  void should_double_the_delay_up_to_the_maximum(int attemptsMade, Duration expected) {
    assertThat(noJitter.backoff(attemptsMade)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "random {0}: {1}")
  @CsvSource({"0.0, PT3.2S", "0.25, PT3.6S", "0.5, PT4S", "0.999999, PT4.8S"})
  void should_spread_the_delay_by_the_jitter(double random, Duration expected) {
    assertThat(RetryPolicy.defaults().withRandom(() -> random).backoff(3)).isEqualTo(expected);
  }

  @Test
  void should_not_exceed_the_maximum_with_jitter() {
    assertThat(RetryPolicy.defaults().withRandom(() -> 0.999).backoff(20))
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void should_allow_retries_until_the_last_attempt() {
    RetryPolicy three = noJitter.withMaxAttempts(3);

    assertThat(three.mayRetry(2)).isTrue();
    assertThat(three.mayRetry(3)).isFalse();
  }

  @Test
  void should_name_the_invalid_field() {
    assertThatThrownBy(() -> noJitter.withMaxAttempts(0))
        .hasMessage("maxAttempts: must be >= 1, was 0");
    assertThatThrownBy(
            () ->
                new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0.2, () -> 0.5))
        .hasMessageStartingWith("maxBackoff: must be >= initialBackoff");
    assertThatThrownBy(
            () -> new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofHours(1), 2, 1.5, () -> 0.5))
        .hasMessage("jitter: must be in [0, 1), was 1.5");
  }
}
