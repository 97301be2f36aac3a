package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tripline.detectors.KeyRefusal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A flood of refused keys makes one log line a minute per rule and reason, not one per event. */
class KeyRefusalLogTest {

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
  private final KeyRefusalLog log = new KeyRefusalLog(now::get);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void capture() {
    lines.start();
    ((Logger) LoggerFactory.getLogger(KeyRefusalLog.class)).addAppender(lines);
  }

  @AfterEach
  void release() {
    ((Logger) LoggerFactory.getLogger(KeyRefusalLog.class)).detachAppender(lines);
  }

  private void advance(Duration by) {
    now.set(now.get().plus(by));
  }

  @Test
  void should_log_the_first_refusal_then_one_line_a_minute_with_the_count_since() {
    for (int i = 0; i < 1000; i++) {
      log.refused("inactive-user", KeyRefusal.NEW_KEY_RATE);
    }
    advance(Duration.ofSeconds(59));
    log.refused("inactive-user", KeyRefusal.NEW_KEY_RATE);
    advance(Duration.ofSeconds(1));
    log.refused("inactive-user", KeyRefusal.NEW_KEY_RATE);
    log.refused("inactive-user", KeyRefusal.MAX_TIMERS);
    log.refused("cart-abandon", KeyRefusal.NEW_KEY_RATE);

    assertThat(lines.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "refuse new keys [rule: inactive-user, reason: new_key_rate, refused: 1]",
            "refuse new keys [rule: inactive-user, reason: new_key_rate, refused: 1001]",
            "refuse new keys [rule: inactive-user, reason: max_timers, refused: 1]",
            "refuse new keys [rule: cart-abandon, reason: new_key_rate, refused: 1]");
  }
}
