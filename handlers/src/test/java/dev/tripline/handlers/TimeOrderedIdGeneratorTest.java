package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TimeOrderedIdGeneratorTest {

  @Test
  void should_make_prefixed_crockford_ids_of_fixed_length() {
    IdGenerator ids = IdGenerator.timeOrdered(InstantSource.fixed(Instant.EPOCH));

    assertThat(ids.newId()).matches("evt_0000000000[0-9A-HJKMNP-TV-Z]{16}");
  }

  @Test
  void should_sort_ids_by_time() {
    Random random = new Random(1);
    String earlier =
        new TimeOrderedIdGenerator(
                InstantSource.fixed(Instant.parse("2026-11-21T10:30:00Z")), random)
            .newId();
    String later =
        new TimeOrderedIdGenerator(
                InstantSource.fixed(Instant.parse("2026-11-21T10:30:00.001Z")), random)
            .newId();

    assertThat(earlier).isLessThan(later);
  }

  @Test
  void should_not_repeat_within_one_millisecond() {
    IdGenerator ids = IdGenerator.timeOrdered(InstantSource.fixed(Instant.EPOCH));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(ids.newId());
    }

    assertThat(seen).hasSize(10_000);
  }
}
