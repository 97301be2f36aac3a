package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import dev.tripline.gateway.delivery.CapDecision.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
class MongoCapStoreTest {

  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  private static final FrequencyCap ONE_PER_16H =
      new FrequencyCap("userId", 1, Duration.ofHours(16));

  private static MongoServer server;
  private Vertx vertx;
  private String database;
  private MongoClient mongo;
  private MongoCapStore store;

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
    this.vertx = vertx;
    database = "caps" + System.nanoTime();
    mongo = TestMongo.client(vertx, server, database);
    store = new MongoCapStore(mongo);
  }

  @AfterEach
  void disconnect(VertxTestContext ctx) {
    mongo.close().onComplete(ctx.succeedingThenComplete());
  }

  private Future<Verdict> admit(MongoCapStore store, String deliveryId, Instant at) {
    return store.admit("klaviyo", ONE_PER_16H, "u1", deliveryId, at).map(CapDecision::verdict);
  }

  @Test
  void should_cap_the_second_delivery_and_store_the_window_readably(VertxTestContext ctx) {
    store
        .createIndexes()
        .compose(ignored -> admit(store, "msg_a", T0))
        .compose(
            first -> {
              assertThat(first).isEqualTo(Verdict.SEND);
              return admit(store, "msg_b", T0.plus(Duration.ofHours(1)));
            })
        .compose(
            second -> {
              assertThat(second).isEqualTo(Verdict.CAPPED);
              return mongo.find(MongoCapStore.COLLECTION, new JsonObject());
            })
        .onComplete(
            ctx.succeeding(
                documents ->
                    ctx.verify(
                        () -> {
                          assertThat(documents).hasSize(1);
                          JsonObject window = documents.get(0);
                          assertThat(window.getString("_id")).isEqualTo("klaviyo|userId|\"u1\"");
                          assertThat(window.getString("destination")).isEqualTo("klaviyo");
                          assertThat(window.getString("per")).isEqualTo("userId");
                          assertThat(window.getString("subject")).isEqualTo("u1");
                          JsonArray sends = window.getJsonArray("sends");
                          assertThat(sends).hasSize(1);
                          assertThat(sends.getJsonObject(0).getString("id")).isEqualTo("msg_a");
                          assertThat(window.getJsonObject("expiresAt").getValue("$date"))
                              .isNotNull();
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_keep_the_window_for_a_new_store_on_the_same_database(VertxTestContext ctx) {
    // a restarted gateway: a new client and store over the same data
    MongoClient restarted = TestMongo.client(vertx, server, database);
    admit(store, "msg_a", T0)
        .compose(
            ignored -> admit(new MongoCapStore(restarted), "msg_b", T0.plus(Duration.ofHours(15))))
        .eventually(restarted::close)
        .onComplete(
            ctx.succeeding(
                verdict ->
                    ctx.verify(
                        () -> {
                          assertThat(verdict).isEqualTo(Verdict.CAPPED);
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_let_only_max_of_many_simultaneous_deliveries_through(VertxTestContext ctx) {
    FrequencyCap threePerHour = new FrequencyCap("userId", 3, Duration.ofHours(1));
    // all judged at once: each read sees the same window, the compare-and-set settles it
    List<Future<CapDecision>> decisions =
        IntStream.range(0, 12)
            .mapToObj(i -> store.admit("klaviyo", threePerHour, "u1", "msg_" + i, T0))
            .toList();

    Future.all(decisions)
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          List<Verdict> verdicts =
                              decisions.stream().map(d -> d.result().verdict()).toList();
                          assertThat(verdicts).filteredOn(v -> v == Verdict.SEND).hasSize(3);
                          assertThat(verdicts).filteredOn(v -> v == Verdict.CAPPED).hasSize(9);
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_not_cap_a_resubmitted_delivery_by_its_own_send(VertxTestContext ctx) {
    admit(store, "msg_a", T0)
        .compose(ignored -> admit(store, "msg_a", T0))
        .onComplete(
            ctx.succeeding(
                again ->
                    ctx.verify(
                        () -> {
                          assertThat(again).isEqualTo(Verdict.ALREADY_SENT);
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_keep_destinations_subjects_and_their_types_apart(VertxTestContext ctx) {
    Future<Verdict> first =
        store.admit("klaviyo", ONE_PER_16H, "1", "msg_a", T0).map(d -> d.verdict());
    first
        .compose(
            ignored ->
                Future.all(
                    store.admit("klaviyo", ONE_PER_16H, 1, "msg_b", T0),
                    store.admit("braze", ONE_PER_16H, "1", "msg_c", T0),
                    store.admit("klaviyo", ONE_PER_16H, "2", "msg_d", T0)))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          List<CapDecision> decisions = all.list();
                          assertThat(decisions)
                              .extracting(CapDecision::verdict)
                              .containsOnly(Verdict.SEND);
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_delete_only_the_windows_in_which_nothing_counts_any_more(VertxTestContext ctx) {
    Future.all(
            store.admit("klaviyo", ONE_PER_16H, "old", "msg_a", T0),
            store.admit("klaviyo", ONE_PER_16H, "recent", "msg_b", T0.plus(Duration.ofHours(10))))
        .compose(ignored -> store.deleteExpired(T0.plus(Duration.ofHours(16))))
        .compose(
            deleted -> {
              assertThat(deleted).isEqualTo(1);
              return mongo.find(MongoCapStore.COLLECTION, new JsonObject());
            })
        .onComplete(
            ctx.succeeding(
                left ->
                    ctx.verify(
                        () -> {
                          assertThat(left)
                              .extracting(window -> window.getString("subject"))
                              .containsExactly("recent");
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_skip_mangled_sends_instead_of_failing(VertxTestContext ctx) {
    JsonObject mangled =
        new JsonObject()
            .put("_id", "klaviyo|userId|\"u1\"")
            .put("version", 7)
            .put(
                "sends",
                new JsonArray()
                    .add(new JsonObject().put("id", "msg_x").put("at", "yesterday"))
                    .add("not a send"));
    mongo
        .insert(MongoCapStore.COLLECTION, mangled)
        .compose(ignored -> admit(store, "msg_a", T0))
        .compose(
            verdict -> {
              assertThat(verdict).isEqualTo(Verdict.SEND);
              return admit(store, "msg_b", T0);
            })
        .onComplete(
            ctx.succeeding(
                verdict ->
                    ctx.verify(
                        () -> {
                          assertThat(verdict).isEqualTo(Verdict.CAPPED);
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_fail_with_a_store_exception_when_the_database_is_gone(VertxTestContext ctx) {
    MongoClient closed = TestMongo.client(vertx, server);
    closed
        .close()
        .compose(ignored -> admit(new MongoCapStore(closed, Duration.ofSeconds(2)), "msg_a", T0))
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure)
                              .isInstanceOf(DeliveryStoreException.class)
                              .hasMessageStartingWith("cannot admit delivery under frequency cap");
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_decide_the_same_in_memory(VertxTestContext ctx) {
    InMemoryCapStore memory = new InMemoryCapStore();

    assertThat(memory.admitNow("klaviyo", ONE_PER_16H, "u1", "msg_a", T0).verdict())
        .isEqualTo(Verdict.SEND);
    assertThat(memory.admitNow("klaviyo", ONE_PER_16H, "u1", "msg_a", T0).verdict())
        .isEqualTo(Verdict.ALREADY_SENT);
    assertThat(memory.admitNow("klaviyo", ONE_PER_16H, "u1", "msg_b", T0).verdict())
        .isEqualTo(Verdict.CAPPED);
    memory
        .deleteExpired(T0.plus(Duration.ofHours(16)))
        .onComplete(
            ctx.succeeding(
                deleted ->
                    ctx.verify(
                        () -> {
                          assertThat(deleted).isEqualTo(1);
                          assertThat(
                                  memory
                                      .admitNow(
                                          "klaviyo",
                                          ONE_PER_16H,
                                          "u1",
                                          "msg_c",
                                          T0.plus(Duration.ofHours(16)))
                                      .verdict())
                              .isEqualTo(Verdict.SEND);
                          ctx.completeNow();
                        })));
  }
}
