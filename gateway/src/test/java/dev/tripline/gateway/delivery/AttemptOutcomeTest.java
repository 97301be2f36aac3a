package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttemptOutcomeTest {

  @ParameterizedTest(name = "HTTP {0} -> {1}")
  @CsvSource({
    "200, SUCCEEDED",
    "202, SUCCEEDED",
    "204, SUCCEEDED",
    "500, RETRYABLE",
    "502, RETRYABLE",
    "503, RETRYABLE",
    "408, RETRYABLE",
    "429, RETRYABLE",
    "400, REJECTED",
    "401, REJECTED",
    "404, REJECTED",
    "410, GONE",
    "301, REJECTED"
  })
  void should_classify_an_http_status(int status, AttemptOutcome expected) {
    assertThat(AttemptOutcome.ofHttpStatus(status)).isEqualTo(expected);
  }
}
