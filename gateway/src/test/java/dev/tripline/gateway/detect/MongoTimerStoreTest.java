package dev.tripline.gateway.detect;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import dev.tripline.detectors.DetectionEngine;
import dev.tripline.detectors.DetectorLimits;
import dev.tripline.detectors.EngineObserver;
import dev.tripline.detectors.EventSummary;
import dev.tripline.detectors.TimerState;
import dev.tripline.gateway.delivery.TestMongo;
import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
import dev.tripline.rules.RuleLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MongoTimerStoreTest {

  static final String RULES =
      """
      - id: cart
        detect:
          absence:
            start: {on: [add_to_cart]}
            cancel: {on: [order_completed]}
            correlate_by: [userId]
            after: 1h
      """;

  static final String FUNNEL =
      """
      - id: funnel
        detect:
          sequence:
            steps: [{on: [view_product]}, {on: [add_to_cart]}, {on: [order_completed]}]
            correlate_by: [userId]
            within: 1h
      """;

  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  MongoServer server;
  MongoClient mongo;
  Vertx vertx;
  MongoTimerStore store;
  Rule cart;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    server = TestMongo.start();
    mongo = TestMongo.client(vertx, server);
    store = new MongoTimerStore(vertx, mongo);
    cart = RuleLoader.loadText("rules.yaml", RULES, Set.of()).rule("cart").orElseThrow();
  }

  @AfterEach
  void tearDown() {
    mongo.close();
    server.shutdownNow();
  }

  private static TimerState timer(String user, int count) {
    return new TimerState(List.of(user), T0, T0.plusSeconds(3600), List.of("e-" + user), count);
  }

  @Test
  void should_write_only_the_last_state_of_each_timer() throws Exception {
    await(
        onContext(
            () -> {
              store.saved(cart, timer("u1", 1));
              store.saved(cart, timer("u1", 2));
              store.saved(cart, timer("u2", 1));
              store.removed(cart, List.of("u2"));
              store.saved(cart, timer("u3", 1));
              return store.drain();
            }));

    List<JsonObject> stored = await(mongo.find(MongoTimerStore.COLLECTION, new JsonObject()));
    assertThat(stored)
        .extracting(d -> d.getJsonArray("key").getString(0) + " " + d.getInteger("count"))
        .containsExactlyInAnyOrder("u1 2", "u3 1");
    assertThat(store.pendingChanges()).isZero();
    JsonObject u1 =
        stored.stream()
            .filter(d -> d.getString("_id").equals("cart|[\"u1\"]"))
            .findFirst()
            .orElseThrow();
    assertThat(MongoTimerStore.fromDocument(u1)).isEqualTo(timer("u1", 2));
  }

  @Test
  void should_restore_timers_of_unchanged_rules_and_delete_the_others() throws Exception {
    Rule changed =
        RuleLoader.loadText("rules.yaml", RULES.replace("after: 1h", "after: 2h"), Set.of())
            .rule("cart")
            .orElseThrow();
    Rule removed =
        RuleLoader.loadText("rules.yaml", RULES.replace("id: cart", "id: gone"), Set.of())
            .rule("gone")
            .orElseThrow();
    await(
        onContext(
            () -> {
              store.saved(cart, timer("u1", 1));
              store.saved(changed, timer("u2", 1)); // same rule id, other definition: stale
              store.saved(removed, timer("u3", 1));
              return store.drain();
            }));
    DetectionEngine engine =
        new DetectionEngine(
            List.of(cart), InstantSource.system(), DetectorLimits.defaults(), EngineObserver.NOOP);

    int restored = await(onContext(() -> store.restore(engine)));

    assertThat(restored).isEqualTo(1);
    assertThat(engine.timers("cart")).containsExactly(timer("u1", 1));
    assertThat(await(mongo.count(MongoTimerStore.COLLECTION, new JsonObject()))).isEqualTo(1);
  }

  @Test
  void should_delete_a_rules_timers_including_unwritten_changes() throws Exception {
    await(
        onContext(
            () -> {
              store.saved(cart, timer("u1", 1));
              return store.drain();
            }));

    await(
        onContext(
            () -> {
              store.saved(cart, timer("u2", 1));
              return store.deleteRule("cart").compose(v -> store.drain());
            }));

    assertThat(await(mongo.count(MongoTimerStore.COLLECTION, new JsonObject()))).isZero();
  }

  @Test
  void should_restore_a_sequence_timer_with_the_time_of_its_last_step() throws Exception {
    Rule funnel = RuleLoader.loadText("rules.yaml", FUNNEL, Set.of()).rule("funnel").orElseThrow();
    TimerState twoSteps =
        new TimerState(
            List.of("u1"), T0, T0.plusSeconds(3600), List.of("v1", "c1"), 2, T0.plusSeconds(1200));
    await(
        onContext(
            () -> {
              store.saved(funnel, twoSteps);
              return store.drain();
            }));
    DetectionEngine engine =
        new DetectionEngine(
            List.of(funnel),
            InstantSource.system(),
            DetectorLimits.defaults(),
            EngineObserver.NOOP);

    assertThat(await(onContext(() -> store.restore(engine)))).isEqualTo(1);
    assertThat(engine.timers("funnel")).containsExactly(twoSteps);
  }

  @Test
  void should_read_a_timer_stored_without_last_event_at_as_one_whose_newest_event_is_its_start() {
    JsonObject document = MongoTimerStore.toDocument(cart, timer("u1", 1));
    document.remove("lastEventAt");

    assertThat(MongoTimerStore.fromDocument(document)).isEqualTo(timer("u1", 1));
    assertThat(MongoTimerStore.fromDocument(document).lastEventAt()).isEqualTo(T0);
  }

  @Test
  void should_restore_a_timer_with_the_summary_of_its_latest_event() throws Exception {
    EventSummary latest =
        EventSummary.of(
            new Event(
                "e-u1",
                "web",
                "add_to_cart",
                T0,
                "u1",
                "a-7",
                "203.0.113.7",
                new Event.Geo(37.56, 126.97, 30.0),
                Map.of("sku", "A1", "qty", 2L, "price", 19.9),
                Map.of(),
                T0));
    TimerState withSummary =
        new TimerState(List.of("u1"), T0, T0.plusSeconds(3600), List.of("e-u1"), 1, T0, latest);
    await(
        onContext(
            () -> {
              store.saved(cart, withSummary);
              return store.drain();
            }));
    DetectionEngine engine =
        new DetectionEngine(
            List.of(cart), InstantSource.system(), DetectorLimits.defaults(), EngineObserver.NOOP);

    assertThat(await(onContext(() -> store.restore(engine)))).isEqualTo(1);
    assertThat(engine.timers("cart")).containsExactly(withSummary);
  }

  @Test
  void should_read_a_timer_stored_without_a_summary_or_with_a_malformed_one_as_one_without() {
    JsonObject document = MongoTimerStore.toDocument(cart, timer("u1", 1));
    document.remove("latest");
    assertThat(MongoTimerStore.fromDocument(document)).isEqualTo(timer("u1", 1));

    document.put("latest", new JsonObject().put("id", "e-u1"));
    assertThat(MongoTimerStore.fromDocument(document).latest()).isNull();
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    CompletableFuture<Future<T>> started = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> started.complete(action.get()));
    return Future.fromCompletionStage(started).compose(f -> f);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
