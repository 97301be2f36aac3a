package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.gateway.delivery.CapDecision.Verdict;
import dev.tripline.rules.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sliding-window rule itself: no store, time given explicitly. */
class FrequencyCapTest {

  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  private static final FrequencyCap ONE_PER_16H =
      new FrequencyCap("userId", 1, Duration.ofHours(16));

  /** Feeds deliveries through a cap like a store would, keeping the window it returns. */
  private static final class Window {
    private final FrequencyCap cap;
    private List<CapSend> sends = List.of();
    private int next;

    Window(FrequencyCap cap) {
      this.cap = cap;
    }

    CapDecision offer(Instant at) {
      return offer("msg_" + ++next, at);
    }

    CapDecision offer(String deliveryId, Instant at) {
      CapDecision decision = cap.decide(sends, deliveryId, at);
      if (decision.changed()) {
        sends = decision.window();
      }
      return decision;
    }
  }

  @Test
  void should_let_one_through_and_cap_the_rest_until_the_window_has_slid_past_it() {
    Window window = new Window(ONE_PER_16H);

    assertThat(window.offer(T0).verdict()).isEqualTo(Verdict.SEND);
    assertThat(window.offer(T0.plusSeconds(1)).verdict()).isEqualTo(Verdict.CAPPED);
    CapDecision late = window.offer(T0.plus(Duration.ofHours(16)).minusMillis(1));
    assertThat(late.verdict()).isEqualTo(Verdict.CAPPED);
    assertThat(late.nextAllowedAt()).isEqualTo(T0.plus(Duration.ofHours(16)));
    assertThat(window.offer(T0.plus(Duration.ofHours(16))).verdict()).isEqualTo(Verdict.SEND);
  }

  @Test
  void should_allow_max_sends_within_any_window_when_max_is_more_than_one() {
    Window window = new Window(new FrequencyCap("userId", 3, Duration.ofHours(1)));
    List<Verdict> verdicts = new ArrayList<>();
    // at 0, 10, 20, 30 min: three go, the fourth waits until the first has left the hour
    for (int minute : new int[] {0, 10, 20, 30, 59, 60, 65, 70, 71}) {
      verdicts.add(window.offer(T0.plus(Duration.ofMinutes(minute))).verdict());
    }

    assertThat(verdicts)
        .containsExactly(
            Verdict.SEND, // 0
            Verdict.SEND, // 10
            Verdict.SEND, // 20
            Verdict.CAPPED, // 30: 0, 10, 20 count
            Verdict.CAPPED, // 59
            Verdict.SEND, // 60: the send at 0 has left (60 - 1h, 60]
            Verdict.CAPPED, // 65: 10, 20, 60 count
            Verdict.SEND, // 70: 10 has left
            Verdict.CAPPED); // 71: 20, 60, 70 count
  }

  @Test
  void should_say_when_a_capped_subject_is_free_again() {
    Window window = new Window(new FrequencyCap("userId", 2, Duration.ofHours(1)));
    window.offer(T0);
    window.offer(T0.plus(Duration.ofMinutes(20)));

    CapDecision capped = window.offer(T0.plus(Duration.ofMinutes(30)));

    assertThat(capped.verdict()).isEqualTo(Verdict.CAPPED);
    assertThat(capped.nextAllowedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
  }

  @Test
  void should_not_cap_a_delivery_by_its_own_earlier_send() {
    Window window = new Window(ONE_PER_16H);
    window.offer("msg_a", T0);

    CapDecision again = window.offer("msg_a", T0);

    assertThat(again.verdict()).isEqualTo(Verdict.ALREADY_SENT);
    assertThat(again.allowed()).isTrue();
    assertThat(again.changed()).isFalse();
    assertThat(window.offer("msg_b", T0).verdict()).isEqualTo(Verdict.CAPPED);
  }

  @Test
  void should_count_a_send_recorded_after_the_time_judged() {
    // a detection judged out of order (e.g. resubmitted after an outage) still sees later sends
    Window window = new Window(ONE_PER_16H);
    window.offer(T0.plus(Duration.ofHours(1)));

    assertThat(window.offer(T0).verdict()).isEqualTo(Verdict.CAPPED);
  }

  @Test
  void should_keep_no_more_than_max_sends_and_none_that_no_longer_count() {
    FrequencyCap cap = new FrequencyCap("userId", 2, Duration.ofHours(1));
    List<CapSend> stale =
        List.of(
            new CapSend("msg_old", T0.minus(Duration.ofHours(5))),
            new CapSend("msg_x", T0.minus(Duration.ofMinutes(30))));

    CapDecision decision = cap.decide(stale, "msg_new", T0);

    assertThat(decision.verdict()).isEqualTo(Verdict.SEND);
    assertThat(decision.window())
        .containsExactly(
            new CapSend("msg_x", T0.minus(Duration.ofMinutes(30))), new CapSend("msg_new", T0));
  }

  @Test
  void should_take_the_subject_from_the_key_or_none_when_the_key_lacks_the_field() {
    FrequencyCap perUser = new FrequencyCap(null, 1, Duration.ofHours(16));
    FrequencyCap perCart = new FrequencyCap("properties.cartId", 1, Duration.ofHours(1));

    assertThat(perUser.per()).isEqualTo("userId");
    assertThat(perUser.subject(Map.of("userId", "u1", "ip", "203.0.113.7"))).contains("u1");
    assertThat(perUser.subject(Map.of("ip", "203.0.113.7"))).isEmpty();
    assertThat(perCart.subject(Map.of("properties.cartId", 42))).contains(42);
  }

  @Test
  void should_describe_itself_for_operators() {
    assertThat(ONE_PER_16H.describe()).isEqualTo("1 per userId within 16h");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "zero max      | userId | 0    | 16h   | max: must be an integer from 1 to 1000, was 0",
        "huge max      | userId | 1001 | 16h   | max: must be an integer from 1 to 1000, was 1001",
        "zero window   | userId | 1    | 0s    | within: must be > 0s, was \"0s\"",
        "long window   | userId | 1    | 91d   | within: must be at most 90d, was \"91d\"",
        "typo in per   | userid | 1    | 16h   | per: must be an event field (id, source, type,"
            + " userId, anonymousId, ip, geo.lat, geo.lon, properties.<name> or context.<name>),"
            + " was \"userid\", did you mean `userId`?",
      })
  void should_name_the_field_of_an_invalid_value(
      String name, String per, int max, String within, String expected) {
    Duration window = Durations.parse(within);

    assertThat(FrequencyCap.validate(per, max, window)).containsExactly(expected);
    assertThatThrownBy(() -> new FrequencyCap(per, max, window))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(expected);
  }

  @Test
  void should_accept_the_longest_window() {
    assertThat(FrequencyCap.validate("userId", 1, Duration.ofDays(90))).isEmpty();
  }
}
