package dev.tripline.gateway.store;

import static dev.tripline.gateway.store.StoreFixture.await;
import static dev.tripline.gateway.store.TestEvents.event;
import static dev.tripline.gateway.store.TestEvents.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.handlers.IngestService.IngestResult;
import dev.tripline.handlers.OverloadedException;
import dev.tripline.rules.Event;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class GroupCommitWriterTest {

  static final Duration RETRY_AFTER = Duration.ofSeconds(2);
  static final WriterOptions OPTIONS = new WriterOptions(20_000, 1_000, 4, RETRY_AFTER);

  Vertx vertx;
  StoreFixture fixture;
  final List<List<Event>> durable = Collections.synchronizedList(new ArrayList<>());
  final CountingObserver observer = new CountingObserver();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    fixture = new StoreFixture(vertx, EmbeddedMongoOptions.memory());
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  GroupCommitWriter writer(EventStore store, WriterOptions options) {
    return new GroupCommitWriter(vertx, store, options, durable::add, observer);
  }

  @Test
  void should_count_duplicates_within_a_submission_and_against_the_store() {
    GroupCommitWriter writer = writer(fixture.store, OPTIONS);

    IngestResult first = await(writer.ingest(List.of(event("a"), event("b"), event("a"))));
    IngestResult second = await(writer.ingest(List.of(event("b"), event("c"))));

    assertThat(first).isEqualTo(new IngestResult(2, 1));
    assertThat(second).isEqualTo(new IngestResult(1, 1));
    assertThat(await(fixture.store.count())).isEqualTo(3);
    assertThat(writer.queueDepth()).isZero();
  }

  @Test
  void should_split_a_large_submission_into_batches_and_dedup_across_them() {
    GroupCommitWriter writer = writer(fixture.store, OPTIONS.withMaxBatchEvents(10));
    List<Event> events = new ArrayList<>(events("e", 24));
    events.add(event("e0"));

    IngestResult result = await(writer.ingest(events));

    assertThat(result).isEqualTo(new IngestResult(24, 1));
    assertThat(observer.batches.get()).isEqualTo(3);
    assertThat(await(fixture.store.count())).isEqualTo(24);
  }

  @Test
  void should_store_exactly_one_of_concurrent_submissions_with_the_same_id() {
    // one event per batch and four batches in flight: the unique index decides, not the writer
    GroupCommitWriter writer = writer(fixture.store, OPTIONS.withMaxBatchEvents(1));
    List<Future<IngestResult>> results = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      results.add(onNewContext(() -> writer.ingest(List.of(event("same")))));
    }

    await(Future.all(results));

    assertThat(results.stream().mapToInt(r -> r.result().accepted()).sum()).isEqualTo(1);
    assertThat(results.stream().mapToInt(r -> r.result().duplicates()).sum()).isEqualTo(19);
    assertThat(await(fixture.store.count())).isEqualTo(1);
  }

  @Test
  void should_write_submissions_of_one_turn_as_one_bulk_write() {
    Context context = vertx.getOrCreateContext();
    List<Future<IngestResult>> results = new ArrayList<>();
    Promise<GroupCommitWriter> created = Promise.promise();
    context.runOnContext(
        v -> {
          GroupCommitWriter writer = writer(fixture.store, OPTIONS);
          for (int i = 0; i < 200; i++) {
            results.add(writer.ingest(List.of(event("e" + i))));
          }
          created.complete(writer);
        });
    await(created.future());

    await(Future.all(results));

    assertThat(observer.batches.get()).isEqualTo(1);
    assertThat(await(fixture.store.count())).isEqualTo(200);
  }

  @Test
  void should_group_submissions_that_arrive_while_a_write_is_in_flight() {
    GatedEventStore gated = new GatedEventStore(fixture.store);
    GroupCommitWriter writer = writer(gated, OPTIONS.withMaxConcurrentWrites(1));
    List<Future<IngestResult>> results = new ArrayList<>();
    results.add(writer.ingest(List.of(event("first"))));
    GatedEventStore.Held first = await(gated.held(0));

    for (int i = 0; i < 50; i++) {
      results.add(writer.ingest(List.of(event("e" + i))));
    }
    gated.release(first);
    gated.release(await(gated.held(1)));
    await(Future.all(results));

    assertThat(gated.inserts()).isEqualTo(2);
    assertThat(observer.batches.get()).isEqualTo(2);
    assertThat(await(fixture.store.count())).isEqualTo(51);
  }

  @Test
  void should_refuse_at_once_and_store_nothing_when_the_queue_is_full() {
    GatedEventStore gated = new GatedEventStore(fixture.store);
    GroupCommitWriter writer = writer(gated, new WriterOptions(10, 6, 1, RETRY_AFTER));
    Future<IngestResult> inFlight = writer.ingest(events("a", 6));
    GatedEventStore.Held held = await(gated.held(0));
    Future<IngestResult> queued = writer.ingest(events("b", 4));

    Future<IngestResult> refused = writer.ingest(List.of(event("refused")));

    assertThat(refused.failed()).as("refused without waiting").isTrue();
    assertThat(refused.cause())
        .isInstanceOfSatisfying(
            OverloadedException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.getMessage()).isEqualTo("write queue full");
              assertThat(e.retryAfter()).isEqualTo(RETRY_AFTER);
            });
    assertThat(writer.queueDepth()).isEqualTo(10);
    assertThat(observer.rejected.get()).isEqualTo(1);

    gated.release(held);
    gated.release(await(gated.held(1)));
    assertThat(await(inFlight)).isEqualTo(new IngestResult(6, 0));
    assertThat(await(queued)).isEqualTo(new IngestResult(4, 0));
    assertThat(fixture.storedIds()).hasSize(10).doesNotContain("refused");
    assertThat(writer.queueDepth()).isZero();
  }

  @Test
  void should_fail_only_the_submissions_of_a_failed_batch() {
    GatedEventStore gated = new GatedEventStore(fixture.store);
    GroupCommitWriter writer = writer(gated, OPTIONS.withMaxConcurrentWrites(1));
    Future<IngestResult> doomed = writer.ingest(List.of(event("a")));
    GatedEventStore.Held held = await(gated.held(0));
    Future<IngestResult> second = writer.ingest(List.of(event("b")));
    Future<IngestResult> third = writer.ingest(List.of(event("c")));

    gated.fail(held, new StoreUnavailableException("cannot insert events: boom", null));
    gated.release(await(gated.held(1)));

    assertThatThrownBy(() -> await(doomed))
        .isInstanceOfSatisfying(
            dev.tripline.handlers.StoreUnavailableException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.getMessage()).isEqualTo("store unavailable");
              assertThat(e.retryAfter()).isEqualTo(RETRY_AFTER);
            });
    assertThat(await(second)).isEqualTo(new IngestResult(1, 0));
    assertThat(await(third)).isEqualTo(new IngestResult(1, 0));
    assertThat(observer.failedBatches.get()).isEqualTo(1);
    assertThat(fixture.storedIds()).containsExactlyInAnyOrder("b", "c");
    assertThat(writer.queueDepth()).isZero();
  }

  @Test
  void should_answer_503_while_the_store_is_down_and_recover_when_it_is_back() {
    int port = fixture.server.port();
    GroupCommitWriter writer = writer(fixture.store, OPTIONS);
    fixture.server.close();
    fixture.server = null;

    assertThatThrownBy(() -> await(writer.ingest(List.of(event("while-down")))))
        .isInstanceOf(dev.tripline.handlers.StoreUnavailableException.class)
        .hasMessage("store unavailable");

    fixture.server = EmbeddedMongo.start(EmbeddedMongoOptions.memory().withPort(port));
    // each failed attempt waits for the driver's server selection: retrying awaits the reconnect
    IngestResult result = null;
    for (int attempt = 0; attempt < 20 && result == null; attempt++) {
      try {
        result = await(writer.ingest(List.of(event("after"))));
      } catch (dev.tripline.handlers.StoreUnavailableException e) {
        // the driver has not found the server again yet
      }
    }
    assertThat(result).isEqualTo(new IngestResult(1, 0));
    assertThat(fixture.storedIds()).contains("after");
  }

  @Test
  void should_complete_drain_only_after_in_flight_writes_finish() {
    GatedEventStore gated = new GatedEventStore(fixture.store);
    GroupCommitWriter writer = writer(gated, OPTIONS);
    Future<IngestResult> inFlight = writer.ingest(List.of(event("a")));
    GatedEventStore.Held held = await(gated.held(0));

    Future<Void> drained = writer.drain();
    Future<IngestResult> late =
        await(onNewContext(() -> Future.succeededFuture(writer.ingest(List.of(event("late"))))));

    assertThat(late.failed()).isTrue();
    assertThat(late.cause()).isInstanceOf(OverloadedException.class).hasMessage("shutting down");
    assertThat(drained.isComplete()).isFalse();

    gated.release(held);
    await(drained);
    assertThat(inFlight.succeeded()).isTrue();
    assertThat(writer.queueDepth()).isZero();
    assertThat(fixture.storedIds()).containsExactly("a");
  }

  @Test
  void should_hand_new_events_to_the_sink_in_submission_order_without_duplicates() {
    await(fixture.store.insert(List.of(event("stored"))));
    GatedEventStore gated = new GatedEventStore(fixture.store);
    GroupCommitWriter writer = writer(gated, new WriterOptions(100, 2, 2, RETRY_AFTER));
    Future<IngestResult> first = writer.ingest(List.of(event("a"), event("b")));
    GatedEventStore.Held firstBatch = await(gated.held(0));
    Future<IngestResult> second = writer.ingest(List.of(event("c"), event("stored")));
    GatedEventStore.Held secondBatch = await(gated.held(1));

    await(gated.release(secondBatch));
    assertThat(durable).as("held back until the earlier batch is durable").isEmpty();
    await(gated.release(firstBatch));
    await(Future.all(first, second));

    assertThat(durable)
        .extracting(batch -> batch.stream().map(Event::id).toList())
        .containsExactly(List.of("a", "b"), List.of("c"));
  }

  /** Runs the action on a fresh event-loop context, as a handler on another event loop would. */
  private <T> Future<T> onNewContext(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  static final class CountingObserver implements WriterObserver {
    final AtomicInteger batches = new AtomicInteger();
    final AtomicInteger failedBatches = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();

    @Override
    public void batchWritten(int size, int duplicates, Duration latency) {
      batches.incrementAndGet();
    }

    @Override
    public void batchFailed(int size, Duration latency, Throwable cause) {
      failedBatches.incrementAndGet();
    }

    @Override
    public void rejected(int events, String reason) {
      rejected.incrementAndGet();
    }
  }
}
