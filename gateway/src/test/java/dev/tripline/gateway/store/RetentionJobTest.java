package dev.tripline.gateway.store;

import static dev.tripline.gateway.store.StoreFixture.await;
import static dev.tripline.gateway.store.TestEvents.received;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class RetentionJobTest {

  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  static final RetentionOptions KEEP_30_DAYS =
      new RetentionOptions(Duration.ofHours(1), Duration.ofDays(30));

  @Test
  void should_delete_exactly_the_events_received_before_now_minus_max_age(
      Vertx vertx, @TempDir Path dataDir) {
    try (StoreFixture fixture = new StoreFixture(vertx, dataDir)) {
      Instant cutoff = NOW.minus(Duration.ofDays(30));
      await(
          fixture.store.insert(
              List.of(
                  received("ancient", NOW.minus(Duration.ofDays(400))),
                  received("just-too-old", cutoff.minusMillis(1)),
                  received("at-cutoff", cutoff),
                  received("fresh", NOW.minus(Duration.ofDays(1))))));
      FakeClock clock = new FakeClock(NOW);
      RetentionJob job = new RetentionJob(vertx, fixture.store, KEEP_30_DAYS, clock);

      assertThat(await(job.runOnce())).isEqualTo(2);
      assertThat(fixture.storedIds()).containsExactlyInAnyOrder("at-cutoff", "fresh");

      clock.now = NOW.plusMillis(1);
      assertThat(await(job.runOnce())).isEqualTo(1);
      assertThat(fixture.storedIds()).containsExactly("fresh");
    }
  }

  @Test
  void should_not_start_a_run_while_the_previous_one_is_still_deleting(Vertx vertx) {
    SlowDeleteStore store = new SlowDeleteStore();
    RetentionJob job = new RetentionJob(vertx, store, KEEP_30_DAYS, new FakeClock(NOW));

    Future<Long> first = job.runOnce();
    Future<Long> overlapping = job.runOnce();

    assertThat(overlapping).isSameAs(first);
    assertThat(store.cutoffs).containsExactly(NOW.minus(Duration.ofDays(30)));

    store.deletes.get(0).complete(3L);
    assertThat(await(first)).isEqualTo(3);
    job.runOnce();
    assertThat(store.cutoffs).hasSize(2);
  }

  @Test
  void should_run_on_its_timer_until_closed(Vertx vertx) {
    SlowDeleteStore store = new SlowDeleteStore();
    RetentionJob job =
        new RetentionJob(
            vertx,
            store,
            new RetentionOptions(Duration.ofMillis(5), Duration.ofDays(30)),
            new FakeClock(NOW));

    job.start();
    Instant cutoff = await(store.firstDelete.future());
    job.close();

    assertThat(cutoff).isEqualTo(NOW.minus(Duration.ofDays(30)));
  }

  static final class FakeClock implements InstantSource {
    volatile Instant now;

    FakeClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** A store whose deletes finish only when the test says so. */
  static final class SlowDeleteStore implements EventStore {
    final List<Instant> cutoffs = new ArrayList<>();
    final List<Promise<Long>> deletes = new ArrayList<>();
    final Promise<Instant> firstDelete = Promise.promise();

    @Override
    public synchronized Future<Long> deleteReceivedBefore(Instant cutoff) {
      cutoffs.add(cutoff);
      firstDelete.tryComplete(cutoff);
      Promise<Long> delete = Promise.promise();
      deletes.add(delete);
      return delete.future();
    }

    @Override
    public Future<Void> createIndexes() {
      return Future.succeededFuture();
    }

    @Override
    public Future<WriteOutcome> insert(List<Event> events) {
      return Future.failedFuture("not used");
    }

    @Override
    public List<UnstorableEvent> unstorable(List<Event> events) {
      return List.of();
    }

    @Override
    public Future<Long> count() {
      return Future.succeededFuture(0L);
    }
  }
}
