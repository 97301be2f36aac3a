package dev.tripline.handlers.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.handlers.IngestObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TokenBucketRateLimiterTest {

  private final FakeClock clock = new FakeClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final List<String> limited = new CopyOnWriteArrayList<>();
  private final IngestObserver observer =
      new IngestObserver() {
        @Override
        public void rateLimited(String scope, String source) {
          limited.add(scope + ":" + source);
        }
      };

  private TokenBucketRateLimiter limiter(
      Map<String, RateLimit> perSource, RateLimit perAddress, int maxAddresses) {
    return new TokenBucketRateLimiter(
        perSource, Optional.ofNullable(perAddress), maxAddresses, clock, observer);
  }

  @Test
  void should_limit_each_source_on_its_own() {
    TokenBucketRateLimiter limiter =
        limiter(Map.of("github", new RateLimit(1, 2), "stripe", new RateLimit(1, 1)), null, 10);

    assertThat(limiter.acquire("github", "203.0.113.7")).isNull();
    assertThat(limiter.acquire("github", "203.0.113.8")).isNull();
    assertThat(limiter.acquire("github", "203.0.113.9")).isEqualTo(Duration.ofSeconds(1));
    assertThat(limiter.acquire("stripe", "203.0.113.7")).as("its own bucket").isNull();
    assertThat(limiter.acquire("api", "203.0.113.7")).as("no limit configured").isNull();
    assertThat(limited).containsExactly("source:github");
  }

  @Test
  void should_limit_each_client_address_across_sources() {
    TokenBucketRateLimiter limiter = limiter(Map.of(), new RateLimit(2, 2), 10);

    assertThat(limiter.acquire("github", "203.0.113.7")).isNull();
    assertThat(limiter.acquire("api", "203.0.113.7")).isNull();
    assertThat(limiter.acquire("api", "203.0.113.7")).isEqualTo(Duration.ofMillis(500));
    assertThat(limiter.acquire("api", "198.51.100.1")).as("another client").isNull();
    assertThat(limiter.acquire("api", null)).as("no address, no address limit").isNull();
    clock.advance(Duration.ofMillis(500));
    assertThat(limiter.acquire("api", "203.0.113.7")).isNull();
    assertThat(limited).containsExactly("ip:api");
  }

  @Test
  void should_give_the_address_token_back_when_the_source_refuses() {
    TokenBucketRateLimiter limiter =
        limiter(Map.of("github", new RateLimit(1, 1)), new RateLimit(1, 2), 10);

    assertThat(limiter.acquire("github", "203.0.113.7")).isNull();
    assertThat(limiter.acquire("github", "203.0.113.7")).as("source empty").isNotNull();
    assertThat(limiter.acquire("api", "203.0.113.7"))
        .as("the refused request did not cost the client its second token")
        .isNull();
    assertThat(limited).containsExactly("source:github");
  }

  @Test
  void should_bound_the_addresses_it_holds_dropping_idle_ones_first() {
    TokenBucketRateLimiter limiter = limiter(Map.of(), new RateLimit(1, 1), 10);
    for (int i = 0; i < 10; i++) {
      limiter.acquire("api", "10.0.0." + i);
    }
    assertThat(limiter.addressesTracked()).isEqualTo(10);

    clock.advance(Duration.ofSeconds(1)); // every bucket is full again: idle
    limiter.acquire("api", "10.0.1.1");
    assertThat(limiter.addressesTracked()).isEqualTo(1);

    // all busy: arbitrary ones go, down to nine tenths
    for (int i = 0; i < 20; i++) {
      limiter.acquire("api", "10.0.2." + i);
    }
    assertThat(limiter.addressesTracked()).isLessThanOrEqualTo(10);
  }

  @Test
  void should_limit_nothing_when_nothing_is_configured() {
    TokenBucketRateLimiter limiter = limiter(Map.of(), null, 10);
    assertThat(limiter.limitsAnything()).isFalse();
    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.acquire("api", "203.0.113.7")).isNull();
    }
    assertThat(limiter.addressesTracked()).isZero();
  }
}
