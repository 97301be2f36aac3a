package dev.tripline.gateway.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.rules.Event;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProfileEnricherTest {

  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final Map<String, Object> PRO = Map.of("userId", "u1", "traits", Map.of("plan", "pro"));

  final ProfileCache cache = new ProfileCache(100, Duration.ofMinutes(5), InstantSource.fixed(T0));
  final List<Collection<String>> loads = new ArrayList<>();
  final List<Promise<Map<String, Map<String, Object>>>> pending = new ArrayList<>();
  final List<Event> detected = new ArrayList<>();
  final AtomicInteger failures = new AtomicInteger();
  final ProfileEnricher enricher =
      new ProfileEnricher(
          cache,
          users -> {
            loads.add(List.copyOf(users));
            Promise<Map<String, Map<String, Object>>> promise = Promise.promise();
            pending.add(promise);
            return promise.future();
          },
          detected::addAll,
          failures::incrementAndGet);

  @Test
  void should_pass_cached_users_straight_through_without_a_load() {
    cache.offer("u1", PRO, 1);
    cache.offer("u2", null, 0);

    enricher.accept(List.of(event("e1", "u1"), event("e2", "u2"), event("e3", null)));

    assertThat(loads).isEmpty();
    assertThat(detected).extracting(Event::id).containsExactly("e1", "e2", "e3");
    assertThat(detected.get(0).profile()).isEqualTo(PRO);
    assertThat(detected.get(1).profile()).isNull();
    assertThat(detected.get(2).profile()).isNull();
  }

  @Test
  void should_load_unknown_users_once_per_batch_and_keep_the_order_of_batches() {
    cache.offer("u2", null, 0);

    enricher.accept(List.of(event("e1", "u1"), event("e2", "u1")));
    enricher.accept(List.of(event("e3", "u2")));

    assertThat(loads).containsExactly(List.of("u1"));
    assertThat(detected).as("the later batch waits for the earlier one").isEmpty();

    pending.get(0).complete(Map.of("u1", PRO));

    assertThat(detected).extracting(Event::id).containsExactly("e1", "e2", "e3");
    assertThat(detected.get(1).profile()).isEqualTo(PRO);
  }

  @Test
  void should_detect_without_profiles_when_a_load_fails() {
    enricher.accept(List.of(event("e1", "u1")));
    pending.get(0).fail(new IllegalStateException("store down"));
    enricher.accept(List.of(event("e2", "u9")));
    pending.get(1).complete(Map.of());

    assertThat(detected).extracting(Event::id).containsExactly("e1", "e2");
    assertThat(detected).extracting(Event::profile).containsOnlyNulls();
    assertThat(failures).hasValue(1);
  }

  private static Event event(String id, String userId) {
    return new Event(id, "segment", "t", T0, userId, null, null, null, null, null, T0);
  }
}
