package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import dev.tripline.detectors.Detection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What happens to a delivery after each kind of answer: the default schedule, {@code Retry-After},
 * 410 disabling the destination, disabling after failing for a while, re-enabling, replay, and a
 * restart in between. The clock is fake; each step polls once instead of waiting.
 */
@ExtendWith(VertxExtension.class)
class DeliverySemanticsTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Instant T0 = Instant.parse("2026-11-21T10:30:00Z");
  private static final Detection FIRST = Detections.detection("det_1", "crm");
  private static final Detection SECOND = Detections.detection("det_2", "crm");
  private static final String FIRST_ID = WebhookIds.of("det_1", "crm");
  private static final String SECOND_ID = WebhookIds.of("det_2", "crm");

  /** The default policy without jitter. */
  private static final RetryPolicy DEFAULT = RetryPolicy.defaults().withRandom(() -> 0.5);

  private static MongoServer server;

  private Vertx vertx;
  private MongoClient mongo;
  private MongoDeliveryStore store;
  private WebClient client;
  private FakeClock clock;
  private final List<String> disabled = new CopyOnWriteArrayList<>();
  private Scripted receiver;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.shutdownNow();
  }

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    mongo = TestMongo.client(vertx, server);
    store = new MongoDeliveryStore(mongo);
    client = WebClient.create(vertx);
    clock = new FakeClock(T0);
    receiver = await(Scripted.start(vertx));
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    await(receiver.server.close());
    await(mongo.close());
  }

  private Deliverer deliverer(DestinationRetry retry) {
    Destination crm =
        Destination.of("crm", receiver.url(), SECRET, Duration.ofSeconds(5), "standard")
            .withRetry(retry)
            // the in-test receiver listens on loopback
            .withAllowPrivate(true);
    return new Deliverer(
        vertx,
        client,
        store,
        new InMemoryCapStore(),
        Map.of("crm", crm),
        DeliveryOptions.defaults().withRetry(DEFAULT).withPollInterval(Duration.ofMillis(20)),
        clock,
        new DeliveryObserver() {
          @Override
          public void destinationDisabled(String destination, String reason) {
            disabled.add(destination + ": " + reason);
          }
        });
  }

  private Deliverer deliverer() {
    return deliverer(DestinationRetry.DEFAULTS);
  }

  private DeliveryRecord stored(String id) throws Exception {
    return await(store.find(id)).orElseThrow();
  }

  private int pollAfter(Deliverer deliverer, Duration elapsed) throws Exception {
    clock.advance(elapsed);
    return await(deliverer.pollOnce());
  }

  private void submit(Deliverer deliverer, Detection detection) throws Exception {
    await(deliverer.submit(detection));
    await(deliverer.whenIdle());
  }

  @Test
  void should_retry_on_the_standard_schedule_and_succeed_once_with_the_same_webhook_id()
      throws Exception {
    receiver.answer(503, "upstream down").answer(500).answer(408).answer(200, "ok");
    Deliverer deliverer = deliverer();

    submit(deliverer, FIRST);
    assertThat(stored(FIRST_ID).nextAttemptAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(pollAfter(deliverer, Duration.ofMillis(4_999))).isZero();
    assertThat(pollAfter(deliverer, Duration.ofMillis(1))).isOne();
    assertThat(stored(FIRST_ID).nextAttemptAt()).isEqualTo(T0.plusSeconds(5).plusSeconds(300));
    assertThat(pollAfter(deliverer, Duration.ofMinutes(5))).isOne();
    assertThat(pollAfter(deliverer, Duration.ofMinutes(30))).isOne();
    assertThat(pollAfter(deliverer, Duration.ofDays(3))).isZero();

    DeliveryRecord record = stored(FIRST_ID);
    assertThat(receiver.requests).hasSize(4);
    assertThat(receiver.requests).extracting(r -> r.webhookId).containsOnly(FIRST_ID);
    assertThat(receiver.requests).extracting(r -> r.body).containsOnly(record.body());
    assertThat(record.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(record.history())
        .extracting(AttemptRecord::httpStatus)
        .containsExactly(503, 500, 408, 200);
    assertThat(record.history())
        .extracting(AttemptRecord::outcome)
        .containsOnlyOnce(AttemptOutcome.SUCCEEDED);
    assertThat(record.history())
        .extracting(AttemptRecord::response)
        .containsExactly("upstream down", null, null, "ok");
  }

  @Test
  void should_wait_as_long_as_retry_after_seconds_asks() throws Exception {
    receiver.answer(429, null, "120");
    Deliverer deliverer = deliverer();

    submit(deliverer, FIRST);

    assertThat(stored(FIRST_ID).nextAttemptAt()).isEqualTo(T0.plusSeconds(120));
    assertThat(pollAfter(deliverer, Duration.ofSeconds(119))).isZero();
    assertThat(pollAfter(deliverer, Duration.ofSeconds(1))).isOne();
    assertThat(stored(FIRST_ID).status()).isEqualTo(DeliveryStatus.SUCCEEDED);
  }

  @Test
  void should_wait_until_a_retry_after_date_but_never_longer_than_the_bound() throws Exception {
    receiver
        .answer(503, null, httpDate(T0.plus(Duration.ofMinutes(10))))
        .answer(503, null, httpDate(T0.plus(Duration.ofHours(10))));
    Deliverer deliverer = deliverer();

    submit(deliverer, FIRST);
    assertThat(stored(FIRST_ID).nextAttemptAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    assertThat(pollAfter(deliverer, Duration.ofMinutes(10))).isOne();

    // asked for 9 h 50 min more: held to delivery.max-retry-after (1 h)
    assertThat(stored(FIRST_ID).nextAttemptAt())
        .isEqualTo(T0.plus(Duration.ofMinutes(10)).plus(Duration.ofHours(1)));
  }

  @Test
  void should_dead_letter_a_400_at_once_and_replay_it_with_the_same_id_and_body() throws Exception {
    receiver.answer(400, "{\"error\":\"bad field\"}");
    Deliverer deliverer = deliverer();

    submit(deliverer, FIRST);
    DeliveryRecord dead = stored(FIRST_ID);
    assertThat(dead.status()).isEqualTo(DeliveryStatus.DEAD);
    assertThat(dead.lastError()).isEqualTo("HTTP 400");
    assertThat(pollAfter(deliverer, Duration.ofDays(1))).isZero();

    assertThat(await(deliverer.replay(FIRST_ID))).isTrue();
    assertThat(stored(FIRST_ID).status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(await(deliverer.pollOnce())).isOne();

    DeliveryRecord replayed = stored(FIRST_ID);
    assertThat(replayed.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(replayed.attempts()).isOne(); // counted since the replay
    assertThat(replayed.history()).extracting(AttemptRecord::httpStatus).containsExactly(400, 200);
    assertThat(receiver.requests).extracting(r -> r.webhookId).containsExactly(FIRST_ID, FIRST_ID);
    assertThat(receiver.requests.get(1).body).isEqualTo(receiver.requests.get(0).body);
    // an unknown id replays nothing
    assertThat(await(deliverer.replay("msg_unknown"))).isFalse();
  }

  @Test
  void
      should_disable_the_destination_on_410_hold_its_deliveries_across_a_restart_and_release_them_when_enabled()
          throws Exception {
    receiver.answer(410);
    Deliverer before = deliverer();

    submit(before, FIRST);
    assertThat(stored(FIRST_ID).status()).isEqualTo(DeliveryStatus.HELD);
    assertThat(disabled).containsExactly("crm: HTTP 410 Gone");
    await(before.stop());

    // a new process reads the state and keeps holding: a new detection is kept, not sent
    Deliverer after = deliverer();
    await(after.loadStates());
    assertThat(after.destinationStates())
        .singleElement()
        .satisfies(
            state -> {
              assertThat(state.disabled()).isTrue();
              assertThat(state.reason()).isEqualTo("HTTP 410 Gone");
              assertThat(state.disabledAt()).isEqualTo(T0);
            });
    submit(after, SECOND);
    assertThat(pollAfter(after, Duration.ofDays(1))).isZero();
    assertThat(stored(SECOND_ID).status()).isEqualTo(DeliveryStatus.HELD);
    assertThat(receiver.requests).hasSize(1);

    assertThat(await(after.enable("crm"))).isEqualTo(2L);
    assertThat(await(after.pollOnce())).isEqualTo(2);

    assertThat(stored(FIRST_ID).status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(stored(SECOND_ID).status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(receiver.requests)
        .extracting(r -> r.webhookId)
        .containsExactlyInAnyOrder(FIRST_ID, FIRST_ID, SECOND_ID);
    assertThat(after.destinationStates().get(0).disabled()).isFalse();
  }

  @Test
  void should_disable_a_destination_failing_for_its_disable_after() throws Exception {
    receiver.alwaysAnswer(503);
    Deliverer deliverer =
        deliverer(
            new DestinationRetry(
                Optional.of(List.of(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1))),
                Optional.of(Duration.ofHours(2))));

    submit(deliverer, FIRST);
    assertThat(pollAfter(deliverer, Duration.ofHours(1))).isOne();
    assertThat(stored(FIRST_ID).status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(disabled).isEmpty();
    assertThat(pollAfter(deliverer, Duration.ofHours(1))).isOne();

    DeliveryRecord held = stored(FIRST_ID);
    assertThat(held.status()).isEqualTo(DeliveryStatus.HELD);
    assertThat(held.attempts()).isEqualTo(3);
    assertThat(disabled).singleElement().asString().startsWith("crm: failing since " + T0);
    DestinationState state = await(store.destinationStates()).get(0);
    assertThat(state.disabled()).isTrue();
    assertThat(state.failingSince()).isEqualTo(T0);
  }

  @Test
  void should_forget_the_failures_of_a_destination_that_succeeds_again() throws Exception {
    receiver.answer(503).answer(200).answer(503);
    Deliverer deliverer =
        deliverer(
            new DestinationRetry(
                Optional.of(List.of(Duration.ofHours(1), Duration.ofHours(1))),
                Optional.of(Duration.ofHours(2))));

    submit(deliverer, FIRST); // fails at T0
    assertThat(pollAfter(deliverer, Duration.ofHours(1))).isOne(); // succeeds at T0 + 1 h
    clock.advance(Duration.ofHours(2));
    submit(deliverer, SECOND); // fails at T0 + 3 h: failing since then, not since T0

    assertThat(stored(SECOND_ID).status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(disabled).isEmpty();
    assertThat(deliverer.destinationStates().get(0).failingSince())
        .isEqualTo(T0.plus(Duration.ofHours(3)));
  }

  @Test
  void should_resume_a_delivery_in_the_middle_of_its_schedule_after_a_restart() throws Exception {
    receiver.answer(503).answer(503);
    Deliverer before = deliverer();
    submit(before, FIRST);
    assertThat(pollAfter(before, Duration.ofSeconds(5))).isOne();
    await(before.stop());

    // a new process on the same outbox: the third attempt is due 5 min after the second
    Deliverer after = deliverer();
    assertThat(pollAfter(after, Duration.ofMinutes(5).minusMillis(1))).isZero();
    assertThat(pollAfter(after, Duration.ofMillis(1))).isOne();

    DeliveryRecord record = stored(FIRST_ID);
    assertThat(record.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(record.attempts()).isEqualTo(3);
    assertThat(receiver.requests).extracting(r -> r.webhookId).containsOnly(FIRST_ID);
  }

  private static String httpDate(Instant at) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(10, TimeUnit.SECONDS);
  }

  /** A receiver answering from a script: status, body and {@code Retry-After}; then 200. */
  private static final class Scripted {
    record Answer(int status, String body, String retryAfter) {}

    record Request(String webhookId, String body) {}

    final ConcurrentLinkedDeque<Answer> script = new ConcurrentLinkedDeque<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile Answer always;
    HttpServer server;

    static Future<Scripted> start(Vertx vertx) {
      Scripted scripted = new Scripted();
      return vertx
          .createHttpServer()
          .requestHandler(
              request ->
                  request
                      .body()
                      .onSuccess(
                          body -> {
                            scripted.requests.add(
                                new Request(request.getHeader("webhook-id"), body.toString()));
                            Answer next = scripted.script.poll();
                            if (next == null) {
                              next =
                                  scripted.always != null
                                      ? scripted.always
                                      : new Answer(200, null, null);
                            }
                            var response = request.response().setStatusCode(next.status());
                            if (next.retryAfter() != null) {
                              response.putHeader("Retry-After", next.retryAfter());
                            }
                            if (next.body() != null) {
                              response.end(next.body());
                            } else {
                              response.end();
                            }
                          }))
          .listen(0, "127.0.0.1")
          .map(
              server -> {
                scripted.server = server;
                return scripted;
              });
    }

    String url() {
      return "http://127.0.0.1:" + server.actualPort() + "/hook";
    }

    Scripted answer(int status) {
      return answer(status, null, null);
    }

    Scripted answer(int status, String body) {
      return answer(status, body, null);
    }

    Scripted answer(int status, String body, String retryAfter) {
      script.add(new Answer(status, body, retryAfter));
      return this;
    }

    void alwaysAnswer(int status) {
      always = new Answer(status, null, null);
    }
  }
}
