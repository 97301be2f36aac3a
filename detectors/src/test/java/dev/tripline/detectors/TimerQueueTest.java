package dev.tripline.detectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimerQueueTest {

  private static PendingTimer timer(String key, long due) {
    return new PendingTimer(List.of(key), 0, due, List.of("e-" + key), null);
  }

  @Test
  void should_poll_timers_in_due_order_and_only_when_due() {
    TimerQueue queue = new TimerQueue();
    queue.add(timer("c", 30));
    queue.add(timer("a", 10));
    queue.add(timer("b", 20));

    assertThat(queue.pollDue(9)).isNull();
    assertThat(queue.pollDue(25).key).containsExactly("a");
    assertThat(queue.pollDue(25).key).containsExactly("b");
    assertThat(queue.pollDue(25)).isNull();
    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.get(List.of("c"))).isNotNull();
  }

  @Test
  void should_remove_and_reschedule_by_key() {
    TimerQueue queue = new TimerQueue();
    queue.add(timer("a", 10));
    queue.add(timer("b", 20));
    PendingTimer a = queue.get(List.of("a"));
    a.dueMillis = 40;
    queue.rescheduled(a);
    queue.remove(List.of("b"));

    assertThat(queue.pollDue(39)).isNull();
    assertThat(queue.pollDue(40)).isSameAs(a);
    assertThat(queue.size()).isZero();
    assertThat(queue.remove(List.of("a"))).isNull();
  }

  @Test
  void should_keep_heap_order_under_random_adds_removes_and_reschedules() {
    Random random = new Random(42);
    TimerQueue queue = new TimerQueue();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      String key = "k" + random.nextInt(2_000);
      PendingTimer existing = queue.get(List.of(key));
      int action = random.nextInt(3);
      if (existing == null) {
        long due = random.nextInt(1_000_000);
        queue.add(timer(key, due));
        expected.put(key, due);
      } else if (action == 0) {
        queue.remove(List.of(key));
        expected.remove(key);
      } else {
        existing.dueMillis = random.nextInt(1_000_000);
        queue.rescheduled(existing);
        expected.put(key, existing.dueMillis);
      }
    }

    List<Long> polled = new ArrayList<>();
    for (PendingTimer t = queue.pollDue(Long.MAX_VALUE);
        t != null;
        t = queue.pollDue(Long.MAX_VALUE)) {
      assertThat(expected.remove((String) t.key.get(0))).isEqualTo(t.dueMillis);
      polled.add(t.dueMillis);
    }
    assertThat(expected).isEmpty();
    assertThat(polled).isSorted();
  }
}
