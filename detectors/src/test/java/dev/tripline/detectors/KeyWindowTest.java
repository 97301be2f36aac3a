package dev.tripline.detectors;

import static dev.tripline.detectors.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeyWindowTest {

  private static final Duration WITHIN = Duration.ofHours(1);

  @Test
  void should_keep_at_most_count_entries_the_newest() {
    KeyWindow window = new KeyWindow(T0, false, 4);
    window.fire(T0, Duration.ofDays(1), true); // cooling down: nothing fires, everything enters

    for (int i = 0; i < 1_000; i++) {
      window.add(T0.plusMillis(i), "e" + i, null, WITHIN, 3);
    }

    assertThat(window.size()).isEqualTo(3);
    assertThat(window.fire(T0, Duration.ZERO, true))
        .extracting(entry -> entry.eventId)
        .containsExactly("e997", "e998", "e999");
  }

  @Test
  void should_keep_one_entry_per_distinct_value_and_at_most_count_values() {
    KeyWindow window = new KeyWindow(T0, true, 4);

    for (int i = 0; i < 1_000; i++) {
      window.add(T0.plusMillis(i), "e" + i, "u" + (i % 7), WITHIN, 5);
    }

    assertThat(window.size()).isEqualTo(5);
    assertThat(window.fire(T0, Duration.ZERO, true))
        .extracting(entry -> entry.value)
        .containsExactly("u1", "u2", "u3", "u4", "u5"); // i = 995..999
  }

  @Test
  void should_not_count_a_late_event_older_than_the_newest_count_entries() {
    KeyWindow window = new KeyWindow(T0, false, 4);
    window.add(T0.plusSeconds(10), "e10", null, WITHIN, 2);
    window.add(T0.plusSeconds(20), "e20", null, WITHIN, 2);

    assertThat(window.add(T0.plusSeconds(5), "e5", null, WITHIN, 2)).isFalse();
    assertThat(window.size()).isEqualTo(2);
  }
}
