package dev.tripline.gateway.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProfileCacheTest {

  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T10:00:00Z"));
  final InstantSource clock = () -> now.get();

  @Test
  void should_never_let_an_older_version_replace_a_newer_one() {
    ProfileCache cache = new ProfileCache(10, Duration.ofMinutes(5), clock);
    cache.offer("u1", Map.of("traits", Map.of("plan", "pro")), 2);

    cache.offer("u1", Map.of("traits", Map.of("plan", "free")), 1); // a load that started earlier
    cache.offer("u1", null, 0); // "no profile", from a load before the first identify

    assertThat(cache.fresh("u1").profile()).isEqualTo(Map.of("traits", Map.of("plan", "pro")));
    cache.offer("u1", Map.of("traits", Map.of("plan", "team")), 3);
    assertThat(cache.fresh("u1").version()).isEqualTo(3);
  }

  @Test
  void should_serve_an_entry_until_it_expires_then_take_whatever_is_loaded() {
    ProfileCache cache = new ProfileCache(10, Duration.ofMinutes(5), clock);
    cache.offer("u1", Map.of("traits", Map.of()), 4);

    now.set(now.get().plus(Duration.ofMinutes(4)));
    assertThat(cache.fresh("u1")).isNotNull();
    now.set(now.get().plus(Duration.ofMinutes(1)));
    assertThat(cache.fresh("u1")).isNull();

    cache.offer("u1", null, 0); // deleted meanwhile: the expired entry gives way
    assertThat(cache.fresh("u1").profile()).isNull();
  }

  @Test
  void should_hold_at_most_max_users_evicting_the_least_recently_used() {
    ProfileCache cache = new ProfileCache(2, Duration.ofMinutes(5), clock);
    cache.offer("u1", null, 0);
    cache.offer("u2", null, 0);
    cache.fresh("u1");

    cache.offer("u3", null, 0);

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.fresh("u2")).isNull();
    assertThat(cache.fresh("u1")).isNotNull();
    assertThat(cache.fresh("u3")).isNotNull();
  }
}
