package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import dev.tripline.detectors.Detection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The deliverer under a destination's frequency cap: {@code klaviyo} allows one delivery per user
 * within 16 h, {@code crm} has no cap; every detection notifies both.
 */
@ExtendWith(VertxExtension.class)
class DelivererFrequencyCapTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Instant T0 = Instant.parse("2026-11-21T10:30:00Z");
  private static final FrequencyCap ONE_PER_16H =
      new FrequencyCap("userId", 1, Duration.ofHours(16));

  private static MongoServer server;

  private Vertx vertx;
  private MongoClient mongo;
  private MongoDeliveryStore store;
  private WebClient client;
  private FakeClock clock;
  private RecordingObserver observer;
  private Receiver klaviyo;
  private Receiver crm;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.shutdownNow();
  }

  @BeforeEach
  void setUp(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    mongo = TestMongo.client(vertx, server);
    store = new MongoDeliveryStore(mongo);
    client = WebClient.create(vertx);
    clock = new FakeClock(T0);
    observer = new RecordingObserver();
    Future.all(Receiver.start(vertx), Receiver.start(vertx))
        .onComplete(
            ctx.succeeding(
                both -> {
                  klaviyo = both.resultAt(0);
                  crm = both.resultAt(1);
                  ctx.completeNow();
                }));
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    client.close();
    Future.all(klaviyo.close(), crm.close(), mongo.close())
        .onComplete(ctx.succeedingThenComplete());
  }

  private Deliverer deliverer(CapStore caps, DeliveryStore outbox) {
    return new Deliverer(
        vertx,
        client,
        outbox,
        caps,
        Map.of(
            "klaviyo",
            Destination.of("klaviyo", klaviyo.url(), SECRET, Duration.ofSeconds(5), null)
                .withFrequencyCap(ONE_PER_16H)
                .withAllowPrivate(true),
            "crm",
            Destination.of("crm", crm.url(), SECRET, Duration.ofSeconds(5), null)
                .withAllowPrivate(true)),
        DeliveryOptions.defaults().withPollInterval(Duration.ofMillis(20)),
        clock,
        observer);
  }

  private Deliverer deliverer() {
    return deliverer(new MongoCapStore(mongo), store);
  }

  private static Detection forUser(String id, String rule, String user, Instant detectedAt) {
    return Detections.detection(id, rule, Map.of("userId", user), detectedAt, "klaviyo", "crm");
  }

  private static Future<Void> submitAll(Deliverer deliverer, Detection... detections) {
    Future<Void> chain = Future.succeededFuture();
    for (Detection detection : detections) {
      chain = chain.compose(ignored -> deliverer.submit(detection));
    }
    return chain.compose(ignored -> deliverer.whenIdle());
  }

  private Future<DeliveryRecord> stored(String detectionId, String destination) {
    return store.find(WebhookIds.of(detectionId, destination)).map(found -> found.orElseThrow());
  }

  @Test
  void should_record_a_second_trigger_for_the_user_as_capped_and_still_send_it_elsewhere(
      VertxTestContext ctx) {
    Deliverer deliverer = deliverer();
    submitAll(
            deliverer,
            forUser("det_a", "cart-abandon", "u1", T0),
            forUser("det_b", "browse-abandon", "u1", T0.plus(Duration.ofHours(1))))
        .compose(
            ignored ->
                Future.all(
                    stored("det_a", "klaviyo"), stored("det_b", "klaviyo"), stored("det_b", "crm")))
        .map(
            all -> {
              DeliveryRecord sent = all.resultAt(0);
              DeliveryRecord capped = all.resultAt(1);
              DeliveryRecord elsewhere = all.resultAt(2);
              assertThat(klaviyo.received())
                  .extracting(r -> r.header("webhook-id"))
                  .containsExactly(WebhookIds.of("det_a", "klaviyo"));
              assertThat(crm.received()).hasSize(2);
              assertThat(sent.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
              assertThat(capped.status()).isEqualTo(DeliveryStatus.CAPPED);
              assertThat(capped.attempts()).isZero();
              assertThat(capped.nextAttemptAt()).isNull();
              assertThat(capped.ruleId()).isEqualTo("browse-abandon");
              assertThat(capped.lastError())
                  .isEqualTo(
                      "frequency cap reached: 1 per userId within 16h; free again at "
                          + T0.plus(Duration.ofHours(16)));
              assertThat(capped.body()).contains("\"browse-abandon\"");
              assertThat(elsewhere.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
              assertThat(observer.capped).containsExactly("klaviyo");
              assertThat(observer.uncapped).isEmpty();
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_never_attempt_a_capped_delivery(VertxTestContext ctx) {
    Deliverer deliverer = deliverer();
    submitAll(deliverer, forUser("det_a", "r1", "u1", T0), forUser("det_b", "r2", "u1", T0))
        .compose(
            ignored -> {
              clock.advance(Duration.ofDays(2));
              return deliverer.pollOnce();
            })
        .compose(
            attempts -> {
              assertThat(attempts).isZero();
              return stored("det_b", "klaviyo");
            })
        .map(
            capped -> {
              assertThat(capped.status()).isEqualTo(DeliveryStatus.CAPPED);
              assertThat(klaviyo.received()).hasSize(1);
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_cap_each_user_on_their_own_and_send_again_once_the_window_has_passed(
      VertxTestContext ctx) {
    Deliverer deliverer = deliverer();
    submitAll(
            deliverer,
            forUser("det_a", "r1", "u1", T0),
            forUser("det_b", "r1", "u2", T0),
            forUser("det_c", "r2", "u1", T0.plus(Duration.ofHours(16)).minusSeconds(1)),
            forUser("det_d", "r2", "u1", T0.plus(Duration.ofHours(16))))
        .map(
            ignored -> {
              assertThat(klaviyo.received())
                  .extracting(r -> r.header("webhook-id"))
                  .containsExactlyInAnyOrder(
                      WebhookIds.of("det_a", "klaviyo"),
                      WebhookIds.of("det_b", "klaviyo"),
                      WebhookIds.of("det_d", "klaviyo"));
              assertThat(crm.received()).hasSize(4);
              assertThat(observer.capped).containsExactly("klaviyo");
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_not_cap_a_detection_whose_key_lacks_the_per_field(VertxTestContext ctx) {
    Deliverer deliverer = deliverer();
    Detection first =
        Detections.detection("det_a", "repeat-ip", Map.of("ip", "203.0.113.7"), T0, "klaviyo");
    Detection second =
        Detections.detection("det_b", "repeat-ip", Map.of("ip", "203.0.113.7"), T0, "klaviyo");
    submitAll(deliverer, first, second)
        .map(
            ignored -> {
              assertThat(klaviyo.received()).hasSize(2);
              assertThat(observer.uncapped)
                  .containsExactly(
                      "klaviyo/" + DeliveryObserver.MISSING_KEY_FIELD,
                      "klaviyo/" + DeliveryObserver.MISSING_KEY_FIELD);
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_send_uncapped_when_the_cap_store_fails_or_throws(VertxTestContext ctx) {
    AtomicInteger calls = new AtomicInteger();
    CapStore broken =
        new CapStore() {
          @Override
          public Future<CapDecision> admit(
              String destination, FrequencyCap cap, Object subject, String id, Instant at) {
            if (calls.incrementAndGet() == 1) {
              return Future.failedFuture(
                  new DeliveryStoreException("cannot admit", new Exception("down")));
            }
            throw new IllegalStateException("state should be: open");
          }

          @Override
          public Future<Long> deleteExpired(Instant now) {
            return Future.succeededFuture(0L);
          }
        };
    Deliverer deliverer = deliverer(broken, store);
    submitAll(deliverer, forUser("det_a", "r1", "u1", T0), forUser("det_b", "r2", "u1", T0))
        .map(
            ignored -> {
              assertThat(klaviyo.received()).hasSize(2);
              assertThat(crm.received()).hasSize(2);
              assertThat(observer.uncapped)
                  .containsExactly(
                      "klaviyo/" + DeliveryObserver.CAP_STORE_FAILED,
                      "klaviyo/" + DeliveryObserver.CAP_STORE_FAILED);
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_not_cap_a_detection_resubmitted_after_a_failed_outbox_write(VertxTestContext ctx) {
    // the pipeline resubmits a detection whose deliveries could not be written: the cap has
    // already counted its klaviyo delivery and must recognise it rather than cap it
    AtomicInteger enqueues = new AtomicInteger();
    DeliveryStore flaky =
        new DeliveryStore() {
          @Override
          public Future<List<DeliveryRecord>> enqueue(List<DeliveryRecord> records) {
            return enqueues.incrementAndGet() == 1
                ? Future.failedFuture(new DeliveryStoreException("cannot enqueue", new Exception()))
                : store.enqueue(records);
          }

          @Override
          public Future<List<DeliveryRecord>> findDue(Instant now, int limit) {
            return store.findDue(now, limit);
          }

          @Override
          public Future<Boolean> recordAttempt(
              String id, AttemptRecord attempt, DeliveryStatus status, Instant nextAttemptAt) {
            return store.recordAttempt(id, attempt, status, nextAttemptAt);
          }

          @Override
          public Future<java.util.Optional<DeliveryRecord>> find(String id) {
            return store.find(id);
          }
        };
    Deliverer deliverer = deliverer(new MongoCapStore(mongo), flaky);
    Detection detection = forUser("det_a", "r1", "u1", T0);
    deliverer
        .submit(detection)
        .transform(first -> deliverer.submit(detection))
        .compose(ignored -> deliverer.whenIdle())
        .compose(ignored -> stored("det_a", "klaviyo"))
        .map(
            record -> {
              assertThat(enqueues).hasValue(2);
              assertThat(record.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
              assertThat(klaviyo.received()).hasSize(1);
              assertThat(observer.capped).isEmpty();
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_count_a_capped_delivery_once_when_its_detection_is_submitted_again(
      VertxTestContext ctx) {
    Deliverer deliverer = deliverer();
    Detection second = forUser("det_b", "r2", "u1", T0);
    submitAll(deliverer, forUser("det_a", "r1", "u1", T0), second, second)
        .compose(ignored -> stored("det_b", "klaviyo"))
        .map(
            capped -> {
              assertThat(capped.status()).isEqualTo(DeliveryStatus.CAPPED);
              assertThat(observer.capped).containsExactly("klaviyo");
              assertThat(klaviyo.received()).hasSize(1);
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Keeps what the deliverer reported about caps, for assertions. */
  private static final class RecordingObserver implements DeliveryObserver {
    final List<String> capped = new CopyOnWriteArrayList<>();
    final List<String> uncapped = new CopyOnWriteArrayList<>();

    @Override
    public void capped(String destination) {
      capped.add(destination);
    }

    @Override
    public void uncapped(String destination, String reason) {
      uncapped.add(destination + "/" + reason);
    }
  }
}
