package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MongoDeliveryStoreTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:30:00Z");

  private static MongoServer server;
  private MongoClient mongo;
  private MongoDeliveryStore store;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.shutdownNow();
  }

  @BeforeEach
  void connect(Vertx vertx) {
    mongo = TestMongo.client(vertx, server);
    store = new MongoDeliveryStore(mongo);
  }

  @AfterEach
  void disconnect(VertxTestContext ctx) {
    mongo.close().onComplete(ctx.succeedingThenComplete());
  }

  private static DeliveryRecord record(String id, Instant due) {
    return new DeliveryRecord(
        id,
        "det_" + id,
        "rule-a",
        "klaviyo",
        "https://example.invalid/h",
        "{\"id\": \"" + id + "\"}",
        DeliveryStatus.PENDING,
        0,
        due,
        NOW,
        NOW,
        null,
        List.of());
  }

  private static AttemptRecord attempt(int httpStatus, long latencyMs) {
    return new AttemptRecord(
        NOW,
        httpStatus,
        AttemptOutcome.ofHttpStatus(httpStatus),
        Duration.ofMillis(latencyMs),
        "HTTP " + httpStatus);
  }

  @Test
  void should_store_a_delivery_as_given(VertxTestContext ctx) {
    DeliveryRecord record = record("msg_a", NOW);

    store
        .enqueue(List.of(record))
        .compose(fresh -> store.find("msg_a"))
        .map(
            found -> {
              assertThat(found).contains(record);
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_enqueue_a_delivery_once_and_report_only_new_ones(VertxTestContext ctx) {
    DeliveryRecord a = record("msg_a", NOW);
    DeliveryRecord b = record("msg_b", NOW);
    DeliveryRecord c = record("msg_c", NOW);

    store
        .enqueue(List.of(a, b))
        .compose(
            first -> {
              assertThat(first).containsExactly(a, b);
              return store.recordAttempt("msg_a", attempt(200, 5), DeliveryStatus.SUCCEEDED, null);
            })
        .compose(ignored -> store.enqueue(List.of(a, c, b)))
        .compose(
            second -> {
              assertThat(second).containsExactly(c);
              return store.find("msg_a");
            })
        .map(
            found -> {
              // a repeated enqueue must not reset a finished delivery
              assertThat(found.orElseThrow().status()).isEqualTo(DeliveryStatus.SUCCEEDED);
              assertThat(found.orElseThrow().attempts()).isEqualTo(1);
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_find_pending_deliveries_due_now_most_overdue_first(VertxTestContext ctx) {
    store
        .enqueue(
            List.of(
                record("msg_later", NOW.plusMillis(1)),
                record("msg_now", NOW),
                record("msg_oldest", NOW.minusSeconds(60)),
                record("msg_done", NOW.minusSeconds(30))))
        .compose(
            ignored ->
                store.recordAttempt("msg_done", attempt(200, 1), DeliveryStatus.SUCCEEDED, null))
        .compose(ignored -> store.findDue(NOW, 10))
        .map(
            due -> {
              assertThat(due)
                  .extracting(DeliveryRecord::id)
                  .containsExactly("msg_oldest", "msg_now");
              return null;
            })
        .compose(ignored -> store.findDue(NOW, 1))
        .map(
            due -> {
              assertThat(due).extracting(DeliveryRecord::id).containsExactly("msg_oldest");
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_record_an_attempt_and_reschedule_a_pending_delivery(VertxTestContext ctx) {
    Instant next = NOW.plusSeconds(2);

    store
        .enqueue(List.of(record("msg_a", NOW)))
        .compose(
            ignored -> store.recordAttempt("msg_a", attempt(503, 41), DeliveryStatus.PENDING, next))
        .compose(
            updated -> {
              assertThat(updated).isTrue();
              return store.find("msg_a");
            })
        .map(
            found -> {
              DeliveryRecord record = found.orElseThrow();
              assertThat(record.status()).isEqualTo(DeliveryStatus.PENDING);
              assertThat(record.attempts()).isEqualTo(1);
              assertThat(record.nextAttemptAt()).isEqualTo(next);
              assertThat(record.lastError()).isEqualTo("HTTP 503");
              assertThat(record.history()).containsExactly(attempt(503, 41));
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_keep_only_the_latest_attempts_in_the_history(VertxTestContext ctx) {
    Future<Boolean> chain = store.enqueue(List.of(record("msg_a", NOW))).map(true);
    for (int i = 1; i <= 25; i++) {
      long latency = i;
      chain =
          chain.compose(
              ignored ->
                  store.recordAttempt("msg_a", attempt(503, latency), DeliveryStatus.PENDING, NOW));
    }
    chain
        .compose(ignored -> store.find("msg_a"))
        .map(
            found -> {
              DeliveryRecord record = found.orElseThrow();
              assertThat(record.attempts()).isEqualTo(25);
              assertThat(record.history())
                  .extracting(attempt -> attempt.latency().toMillis())
                  .containsExactlyElementsOf(
                      IntStream.rangeClosed(6, 25).mapToObj(i -> (long) i).toList());
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_not_record_attempts_on_a_finished_delivery(VertxTestContext ctx) {
    store
        .enqueue(List.of(record("msg_a", NOW)))
        .compose(
            ignored -> store.recordAttempt("msg_a", attempt(400, 3), DeliveryStatus.DEAD, null))
        .compose(
            ignored ->
                store.recordAttempt("msg_a", attempt(200, 3), DeliveryStatus.SUCCEEDED, null))
        .compose(
            updated -> {
              assertThat(updated).isFalse();
              return store.find("msg_a");
            })
        .map(
            found -> {
              assertThat(found.orElseThrow().status()).isEqualTo(DeliveryStatus.DEAD);
              assertThat(found.orElseThrow().attempts()).isEqualTo(1);
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_fail_with_a_store_error_when_the_database_is_gone(Vertx vertx, VertxTestContext ctx) {
    MongoServer doomed = TestMongo.start();
    MongoClient client = TestMongo.client(vertx, doomed);
    MongoDeliveryStore bounded = new MongoDeliveryStore(client, Duration.ofMillis(300));
    doomed.shutdownNow();

    bounded
        .findDue(NOW, 10)
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(e)
                              .isInstanceOf(DeliveryStoreException.class)
                              .hasMessageStartingWith("cannot find due deliveries");
                          client.close();
                          ctx.completeNow();
                        })));
  }

  private static DeliveryRecord created(
      String id, String destination, String rule, Instant createdAt) {
    return new DeliveryRecord(
        id,
        "det_" + id,
        rule,
        destination,
        "https://example.invalid/h",
        "{}",
        DeliveryStatus.PENDING,
        0,
        createdAt,
        createdAt,
        createdAt,
        null,
        List.of());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void should_list_deliveries_by_status_destination_rule_and_time_newest_first() throws Exception {
    await(
        store.enqueue(
            List.of(
                created("msg_1", "crm", "r1", NOW.minusSeconds(30)),
                created("msg_2", "crm", "r2", NOW.minusSeconds(20)),
                created("msg_3", "slack", "r1", NOW.minusSeconds(10)),
                created("msg_4", "crm", "r1", NOW))));
    await(store.recordAttempt("msg_4", attempt(400, 1), DeliveryStatus.DEAD, null));
    await(store.recordAttempt("msg_1", attempt(400, 1), DeliveryStatus.DEAD, null));

    DeliveryFilter dead = DeliveryFilter.ALL.withStatus(DeliveryStatus.DEAD);
    assertThat(await(store.list(dead, 10)))
        .extracting(DeliveryRecord::id)
        .containsExactly("msg_4", "msg_1");
    assertThat(await(store.list(dead, 1))).extracting(DeliveryRecord::id).containsExactly("msg_4");
    assertThat(
            await(
                store.list(
                    new DeliveryFilter(
                        java.util.Optional.empty(),
                        java.util.Optional.of("crm"),
                        java.util.Optional.of("r1"),
                        java.util.Optional.of(NOW.minusSeconds(30)),
                        java.util.Optional.of(NOW)),
                    10)))
        .extracting(DeliveryRecord::id)
        .containsExactly("msg_1");
  }

  @Test
  void should_replay_only_finished_deliveries_keeping_body_and_history() throws Exception {
    await(store.enqueue(List.of(record("msg_a", NOW), record("msg_p", NOW))));
    await(store.recordAttempt("msg_a", attempt(400, 3), DeliveryStatus.DEAD, null));
    Instant later = NOW.plusSeconds(60);

    assertThat(await(store.replay("msg_a", later))).isTrue();
    assertThat(await(store.replay("msg_p", later))).isFalse(); // pending: nothing to replay
    assertThat(await(store.replay("msg_none", later))).isFalse();

    DeliveryRecord replayed = await(store.find("msg_a")).orElseThrow();
    assertThat(replayed.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(replayed.attempts()).isZero();
    assertThat(replayed.nextAttemptAt()).isEqualTo(later);
    assertThat(replayed.body()).isEqualTo(record("msg_a", NOW).body());
    assertThat(replayed.history()).extracting(AttemptRecord::httpStatus).containsExactly(400);
  }

  @Test
  void should_hold_and_release_the_deliveries_of_one_destination() throws Exception {
    await(
        store.enqueue(
            List.of(
                created("msg_1", "crm", "r1", NOW),
                created("msg_2", "crm", "r1", NOW),
                created("msg_3", "slack", "r1", NOW))));
    await(
        store.recordAttempt("msg_2", attempt(500, 1), DeliveryStatus.PENDING, NOW.plusSeconds(5)));

    assertThat(await(store.holdPending("crm", "destination disabled: HTTP 410 Gone", NOW)))
        .isEqualTo(2L);
    assertThat(await(store.findDue(NOW.plusSeconds(60), 10)))
        .extracting(DeliveryRecord::id)
        .containsExactly("msg_3");
    assertThat(await(store.find("msg_1")).orElseThrow().lastError())
        .isEqualTo("destination disabled: HTTP 410 Gone");

    Instant later = NOW.plusSeconds(600);
    assertThat(await(store.releaseHeld("crm", later))).isEqualTo(2L);
    DeliveryRecord released = await(store.find("msg_2")).orElseThrow();
    assertThat(released.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(released.attempts()).isZero();
    assertThat(released.nextAttemptAt()).isEqualTo(later);
  }

  @Test
  void should_store_a_destination_state_and_replace_it() throws Exception {
    DestinationState disabled =
        DestinationState.healthy("crm").failing(NOW).disable("HTTP 410 Gone", NOW.plusSeconds(1));
    await(store.saveDestinationState(disabled, NOW));
    assertThat(await(store.destinationStates())).containsExactly(disabled);

    await(store.saveDestinationState(DestinationState.healthy("crm"), NOW));
    assertThat(await(store.destinationStates())).containsExactly(DestinationState.healthy("crm"));
  }
}
