package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class CapExpiryJobTest {

  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  @Test
  void should_delete_the_windows_expired_by_the_clock(Vertx vertx, VertxTestContext ctx) {
    FakeClock clock = new FakeClock(T0);
    InMemoryCapStore caps = new InMemoryCapStore();
    FrequencyCap cap = new FrequencyCap("userId", 1, Duration.ofHours(1));
    caps.admitNow("klaviyo", cap, "u1", "msg_a", T0);
    caps.admitNow("klaviyo", cap, "u2", "msg_b", T0.plus(Duration.ofMinutes(30)));
    CapExpiryJob job = new CapExpiryJob(vertx, caps, Duration.ofHours(1), clock);

    job.runOnce()
        .compose(
            none -> {
              assertThat(none).isZero();
              clock.advance(Duration.ofHours(1));
              return job.runOnce();
            })
        .onComplete(
            ctx.succeeding(
                deleted ->
                    ctx.verify(
                        () -> {
                          assertThat(deleted).isEqualTo(1);
                          // u2's send still counts: capped; u1 starts afresh
                          Instant now = clock.instant();
                          assertThat(caps.admitNow("klaviyo", cap, "u2", "msg_c", now).allowed())
                              .isFalse();
                          assertThat(caps.admitNow("klaviyo", cap, "u1", "msg_d", now).allowed())
                              .isTrue();
                          job.close();
                          ctx.completeNow();
                        })));
  }
}
