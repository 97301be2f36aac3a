package dev.tripline.gateway.store;

import static dev.tripline.gateway.store.StoreFixture.await;
import static dev.tripline.gateway.store.TestEvents.T0;
import static dev.tripline.gateway.store.TestEvents.event;
import static dev.tripline.gateway.store.TestEvents.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.gateway.store.GroupCommitWriterTest.CountingObserver;
import dev.tripline.handlers.IngestRejection;
import dev.tripline.handlers.IngestService.IngestResult;
import dev.tripline.handlers.RejectReason;
import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One event the store cannot hold fails its own submission, whole, and nobody else's. */
@ExtendWith(VertxExtension.class)
class GroupCommitWriterIsolationTest {

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

  /** An event whose timestamp no BSON date holds, made directly: the parser would refuse it. */
  static Event poison(String id) {
    return new Event(
        id, "web", "page_view", Instant.MIN, "u1", null, null, null, Map.of(), Map.of(), T0);
  }

  /** Submits each list in one turn of one context, so that all would share one bulk write. */
  List<Future<IngestResult>> submitTogether(WriterOptions options, List<List<Event>> submissions) {
    List<Future<IngestResult>> results = new ArrayList<>();
    Promise<Void> submitted = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v -> {
              GroupCommitWriter writer =
                  new GroupCommitWriter(vertx, fixture.store, options, durable::add, observer);
              submissions.forEach(events -> results.add(writer.ingest(events)));
              submitted.complete();
            });
    await(submitted.future());
    return results;
  }

  @Test
  void should_store_the_other_submissions_of_a_write_and_refuse_only_the_poisoned_one() {
    List<Future<IngestResult>> results =
        submitTogether(
            GroupCommitWriterTest.OPTIONS,
            List.of(
                List.of(event("a1")),
                List.of(event("b1"), poison("b2"), event("b3")),
                List.of(event("c1"), event("c2")),
                List.of(poison("d1"))));

    assertThat(await(results.get(0))).isEqualTo(new IngestResult(1, 0));
    assertThat(await(results.get(2))).isEqualTo(new IngestResult(2, 0));
    assertThatThrownBy(() -> await(results.get(1)))
        .isInstanceOfSatisfying(
            IngestRejection.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.reason()).isEqualTo(RejectReason.INVALID_EVENT);
              assertThat(e.field()).isEqualTo("timestamp");
              assertThat(e.index()).isEqualTo(1);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "timestamp: must be within a BSON date's range (milliseconds since 1970 in"
                          + " 64 bits), was -1000000000-01-01T00:00:00Z");
            });
    assertThatThrownBy(() -> await(results.get(3)))
        .isInstanceOfSatisfying(
            IngestRejection.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.index()).as("a single event has no index").isNull();
            });
    assertThat(fixture.storedIds()).containsExactlyInAnyOrder("a1", "c1", "c2");
    assertThat(observer.batches.get()).as("the others still share one write").isEqualTo(1);
    assertThat(observer.failedBatches.get()).isZero();
    assertThat(durable)
        .flatExtracting(batch -> batch.stream().map(Event::id).toList())
        .containsExactly("a1", "c1", "c2");
  }

  @Test
  void should_store_nothing_of_a_poisoned_submission_that_spans_several_writes() {
    List<Event> large = new ArrayList<>(events("e", 25));
    large.set(22, poison("e22"));

    List<Future<IngestResult>> results =
        submitTogether(
            GroupCommitWriterTest.OPTIONS.withMaxBatchEvents(10),
            List.of(large, List.of(event("other"))));

    assertThatThrownBy(() -> await(results.get(0)))
        .isInstanceOfSatisfying(IngestRejection.class, e -> assertThat(e.index()).isEqualTo(22));
    assertThat(await(results.get(1))).isEqualTo(new IngestResult(1, 0));
    assertThat(fixture.storedIds()).containsExactly("other");
  }
}
