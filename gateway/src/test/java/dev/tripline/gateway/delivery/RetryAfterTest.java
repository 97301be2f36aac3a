package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:30:00Z");

  @Test
  void should_read_delay_seconds() {
    assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
  }

  @Test
  void should_read_an_http_date_relative_to_now() {
    assertThat(RetryAfter.parse("Sat, 21 Nov 2026 10:40:00 GMT", NOW))
        .contains(Duration.ofMinutes(10));
    assertThat(RetryAfter.parse("Sat, 21 Nov 2026 10:00:00 GMT", NOW)).contains(Duration.ZERO);
  }

  @Test
  void should_ignore_what_it_cannot_read() {
    assertThat(RetryAfter.parse(null, NOW)).isEmpty();
    assertThat(RetryAfter.parse("soon", NOW)).isEqualTo(Optional.empty());
    assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
  }
}
