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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class DelivererTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Instant T0 = Instant.parse("2026-11-21T10:30:00Z");
  private static final Detection DETECTION = Detections.detection("det_1", "crm");
  private static final String WEBHOOK_ID = WebhookIds.of("det_1", "crm");

  /** No jitter: retries come exactly 1 s, 2 s, 4 s ... after a failure. */
  private static final RetryPolicy RETRY =
      RetryPolicy.defaults()
          .withRandom(() -> 0.5)
          .withSchedule(
              List.of(
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(2),
                  Duration.ofSeconds(4),
                  Duration.ofSeconds(8),
                  Duration.ofSeconds(16)));

  private static MongoServer server;

  private Vertx vertx;
  private MongoClient mongo;
  private MongoDeliveryStore store;
  private WebClient client;
  private FakeClock clock;
  private RecordingObserver observer;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.shutdownNow();
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    mongo = TestMongo.client(vertx, server);
    store = new MongoDeliveryStore(mongo);
    client = WebClient.create(vertx);
    clock = new FakeClock(T0);
    observer = new RecordingObserver();
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    client.close();
    mongo.close().onComplete(ctx.succeedingThenComplete());
  }

  private Deliverer deliverer(Receiver receiver, Duration timeout, RetryPolicy retry) {
    // the token stands for a secret carried in the URL: it is sent, never stored
    Destination crm =
        Destination.of("crm", receiver.url() + "?token=s3cret", SECRET, timeout, "standard")
            .withAllowPrivate(true);
    return new Deliverer(
        vertx,
        client,
        store,
        new InMemoryCapStore(),
        Map.of("crm", crm),
        DeliveryOptions.defaults().withRetry(retry).withPollInterval(Duration.ofMillis(20)),
        clock,
        observer);
  }

  private Deliverer deliverer(Receiver receiver) {
    return deliverer(receiver, Duration.ofSeconds(5), RETRY);
  }

  private Future<DeliveryRecord> stored() {
    return store.find(WEBHOOK_ID).map(found -> found.orElseThrow());
  }

  /** Moves the fake clock on and runs one poll, completing when its attempts are recorded. */
  private Future<Integer> pollAfter(Deliverer deliverer, Duration elapsed) {
    clock.advance(elapsed);
    return deliverer.pollOnce();
  }

  @Test
  void should_deliver_a_signed_detection_that_the_receiver_verifies(VertxTestContext ctx) {
    Receiver.start(vertx)
        .compose(
            receiver -> {
              Deliverer deliverer = deliverer(receiver);
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> stored())
                  .map(
                      record -> {
                        Receiver.Request request = receiver.received().get(0);
                        assertThat(receiver.received()).hasSize(1);
                        assertThat(request.body()).isEqualTo(DeliveryPayloads.standard(DETECTION));
                        assertThat(request.header("webhook-id")).isEqualTo(WEBHOOK_ID);
                        assertThat(request.header("webhook-timestamp"))
                            .isEqualTo(Long.toString(T0.getEpochSecond()));
                        assertThat(request.header("content-type")).isEqualTo("application/json");
                        assertThat(request.header("user-agent")).isEqualTo("Tripline/0.1");
                        assertThat(
                                new WebhookSigner(SECRET)
                                    .verify(
                                        request.header("webhook-id"),
                                        request.header("webhook-timestamp"),
                                        request.body(),
                                        request.header("webhook-signature"),
                                        clock.instant()))
                            .isTrue();
                        assertThat(record.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
                        assertThat(record.attempts()).isEqualTo(1);
                        assertThat(record.body()).isEqualTo(request.body());
                        assertThat(record.url()).isEqualTo(receiver.url() + "?***");
                        assertThat(observer.outcomes).containsExactly(AttemptOutcome.SUCCEEDED);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_retry_a_failing_destination_with_the_same_webhook_id_until_it_succeeds(
      VertxTestContext ctx) {
    Receiver.start(vertx, 500, 500, 200)
        .compose(
            receiver -> {
              Deliverer deliverer = deliverer(receiver);
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> stored())
                  .compose(
                      afterFirst -> {
                        assertThat(afterFirst.status()).isEqualTo(DeliveryStatus.PENDING);
                        assertThat(afterFirst.nextAttemptAt()).isEqualTo(T0.plusSeconds(1));
                        return pollAfter(deliverer, Duration.ofMillis(999));
                      })
                  .compose(
                      notYetDue -> {
                        assertThat(notYetDue).isZero();
                        return pollAfter(deliverer, Duration.ofMillis(1));
                      })
                  .compose(
                      second -> {
                        assertThat(second).isEqualTo(1);
                        return pollAfter(deliverer, Duration.ofSeconds(2));
                      })
                  .compose(
                      third -> {
                        assertThat(third).isEqualTo(1);
                        return pollAfter(deliverer, Duration.ofHours(2));
                      })
                  .compose(
                      afterSuccess -> {
                        assertThat(afterSuccess).isZero();
                        return stored();
                      })
                  .map(
                      record -> {
                        assertThat(receiver.received())
                            .hasSize(3)
                            .extracting(request -> request.header("webhook-id"))
                            .containsOnly(WEBHOOK_ID);
                        assertThat(receiver.received())
                            .extracting(request -> request.header("webhook-timestamp"))
                            .containsExactly(
                                Long.toString(T0.getEpochSecond()),
                                Long.toString(T0.getEpochSecond() + 1),
                                Long.toString(T0.getEpochSecond() + 3));
                        assertThat(record.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
                        assertThat(record.attempts()).isEqualTo(3);
                        assertThat(record.history())
                            .extracting(AttemptRecord::httpStatus)
                            .containsExactly(500, 500, 200);
                        assertThat(record.history())
                            .extracting(AttemptRecord::outcome)
                            .containsOnlyOnce(AttemptOutcome.SUCCEEDED);
                        assertThat(observer.outcomes)
                            .containsExactly(
                                AttemptOutcome.RETRYABLE,
                                AttemptOutcome.RETRYABLE,
                                AttemptOutcome.SUCCEEDED);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_give_up_at_once_when_the_destination_rejects_the_message(VertxTestContext ctx) {
    Receiver.start(vertx, 400)
        .compose(
            receiver -> {
              Deliverer deliverer = deliverer(receiver);
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> pollAfter(deliverer, Duration.ofHours(2)))
                  .compose(
                      polled -> {
                        assertThat(polled).isZero();
                        return stored();
                      })
                  .map(
                      record -> {
                        assertThat(receiver.received()).hasSize(1);
                        assertThat(record.status()).isEqualTo(DeliveryStatus.DEAD);
                        assertThat(record.attempts()).isEqualTo(1);
                        assertThat(record.lastError()).isEqualTo("HTTP 400");
                        assertThat(observer.deadLettered).containsExactly(WEBHOOK_ID);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_give_up_when_the_attempts_are_exhausted(VertxTestContext ctx) {
    Receiver.start(vertx, 503, 429, 502, 200)
        .compose(
            receiver -> {
              Deliverer deliverer =
                  deliverer(
                      receiver,
                      Duration.ofSeconds(5),
                      RETRY.withSchedule(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2))));
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> pollAfter(deliverer, Duration.ofSeconds(1)))
                  .compose(ignored -> pollAfter(deliverer, Duration.ofSeconds(2)))
                  .compose(ignored -> pollAfter(deliverer, Duration.ofHours(2)))
                  .compose(
                      afterLast -> {
                        assertThat(afterLast).isZero();
                        return stored();
                      })
                  .map(
                      record -> {
                        assertThat(receiver.received()).hasSize(3);
                        assertThat(record.status()).isEqualTo(DeliveryStatus.DEAD);
                        assertThat(record.attempts()).isEqualTo(3);
                        assertThat(record.history())
                            .extracting(AttemptRecord::httpStatus)
                            .containsExactly(503, 429, 502);
                        assertThat(observer.deadLettered).containsExactly(WEBHOOK_ID);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_retry_when_the_destination_does_not_answer_in_time(VertxTestContext ctx) {
    Receiver.start(vertx, Receiver.HANG, 200)
        .compose(
            receiver -> {
              Deliverer deliverer = deliverer(receiver, Duration.ofMillis(200), RETRY);
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> stored())
                  .compose(
                      afterTimeout -> {
                        assertThat(afterTimeout.status()).isEqualTo(DeliveryStatus.PENDING);
                        assertThat(afterTimeout.lastError()).contains("timeout");
                        assertThat(afterTimeout.history())
                            .singleElement()
                            .satisfies(
                                attempt -> {
                                  assertThat(attempt.httpStatus()).isNull();
                                  assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.RETRYABLE);
                                });
                        return pollAfter(deliverer, Duration.ofSeconds(1));
                      })
                  .compose(ignored -> stored())
                  .map(
                      record -> {
                        assertThat(receiver.received()).hasSize(2);
                        assertThat(record.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_cut_off_an_answer_that_trickles_in_at_the_whole_request_timeout(
      VertxTestContext ctx) {
    // a byte every 50 ms: the idle timeout (300 ms) never fires, only the bound on the whole
    // exchange ends the attempt
    vertx
        .createHttpServer()
        .requestHandler(
            request -> {
              request.response().setChunked(true).setStatusCode(200).write("x");
              long timer =
                  vertx.setPeriodic(
                      50,
                      id -> {
                        if (!request.response().closed()) {
                          request.response().write("x");
                        }
                      });
              request.connection().closeHandler(closed -> vertx.cancelTimer(timer));
            })
        .listen(0, "127.0.0.1")
        .compose(
            server -> {
              Destination slow =
                  Destination.of(
                          "crm",
                          "http://127.0.0.1:" + server.actualPort() + "/hook",
                          SECRET,
                          Duration.ofMillis(300),
                          "standard")
                      .withAllowPrivate(true);
              Deliverer deliverer =
                  new Deliverer(
                      vertx,
                      client,
                      store,
                      new InMemoryCapStore(),
                      Map.of("crm", slow),
                      DeliveryOptions.defaults().withRetry(RETRY),
                      clock,
                      observer);
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> stored())
                  .eventually(() -> server.close());
            })
        .map(
            record -> {
              assertThat(record.status()).isEqualTo(DeliveryStatus.PENDING);
              assertThat(record.history())
                  .singleElement()
                  .satisfies(
                      attempt -> {
                        assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.RETRYABLE);
                        assertThat(attempt.error()).startsWith("timeout");
                        assertThat(attempt.latency())
                            .isGreaterThanOrEqualTo(Duration.ofMillis(300))
                            .isLessThan(Duration.ofSeconds(5));
                      });
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_retry_when_the_destination_refuses_connections(VertxTestContext ctx) {
    Receiver.start(vertx)
        .compose(
            receiver -> {
              Deliverer deliverer = deliverer(receiver);
              // nothing listens on the port any more
              return receiver
                  .close()
                  .compose(ignored -> deliverer.submit(DETECTION))
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> stored());
            })
        .map(
            record -> {
              assertThat(record.status()).isEqualTo(DeliveryStatus.PENDING);
              assertThat(record.attempts()).isEqualTo(1);
              assertThat(record.lastError()).isNotBlank();
              assertThat(record.nextAttemptAt()).isEqualTo(T0.plusSeconds(1));
              return null;
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_resume_pending_deliveries_after_a_restart(VertxTestContext ctx) {
    Receiver.start(vertx, 503)
        .compose(
            receiver -> {
              Deliverer before = deliverer(receiver);
              return before
                  .submit(DETECTION)
                  .compose(ignored -> before.stop())
                  .compose(
                      ignored -> {
                        assertThat(receiver.received()).hasSize(1);
                        clock.advance(Duration.ofSeconds(1));
                        Deliverer after = deliverer(receiver);
                        after.start();
                        return receiver.awaitRequests(2).compose(arrived -> after.stop());
                      })
                  .compose(ignored -> stored())
                  .map(
                      record -> {
                        assertThat(receiver.received())
                            .extracting(request -> request.header("webhook-id"))
                            .containsExactly(WEBHOOK_ID, WEBHOOK_ID);
                        assertThat(record.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
                        assertThat(record.attempts()).isEqualTo(2);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_only_enqueue_once_stopped_and_send_on_the_next_start(VertxTestContext ctx) {
    Receiver.start(vertx)
        .compose(
            receiver -> {
              Deliverer stopped = deliverer(receiver);
              return stopped
                  .stop()
                  .compose(ignored -> stopped.submit(DETECTION))
                  .compose(ignored -> stored())
                  .compose(
                      pending -> {
                        assertThat(pending.status()).isEqualTo(DeliveryStatus.PENDING);
                        assertThat(receiver.received()).isEmpty();
                        Deliverer next = deliverer(receiver);
                        next.start();
                        return receiver.awaitRequests(1).compose(arrived -> next.stop());
                      })
                  .compose(ignored -> stored())
                  .map(
                      record -> {
                        assertThat(record.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_deliver_a_detection_submitted_twice_once(VertxTestContext ctx) {
    Receiver.start(vertx)
        .compose(
            receiver -> {
              Deliverer deliverer = deliverer(receiver);
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> deliverer.submit(DETECTION))
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> pollAfter(deliverer, Duration.ofHours(2)))
                  .compose(ignored -> stored())
                  .map(
                      record -> {
                        assertThat(receiver.received()).hasSize(1);
                        assertThat(record.attempts()).isEqualTo(1);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_skip_destinations_that_are_not_configured(VertxTestContext ctx) {
    Detection both = Detections.detection("det_2", "crm", "ghost");
    Receiver.start(vertx)
        .compose(
            receiver -> {
              Deliverer deliverer = deliverer(receiver);
              return deliverer
                  .submit(both)
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> store.find(WebhookIds.of("det_2", "ghost")))
                  .map(
                      ghost -> {
                        assertThat(ghost).isEmpty();
                        assertThat(receiver.received()).hasSize(1);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_not_attempt_a_delivery_that_is_already_in_flight(VertxTestContext ctx) {
    Receiver.start(vertx, Receiver.HOLD)
        .compose(
            receiver -> {
              Deliverer deliverer = deliverer(receiver);
              return deliverer
                  .submit(DETECTION)
                  .compose(ignored -> receiver.awaitRequests(1))
                  // the row is due and pending in the outbox while its first attempt waits
                  .compose(ignored -> deliverer.pollOnce())
                  .compose(
                      polled -> {
                        assertThat(polled).isZero();
                        receiver.releaseHeld(200);
                        return deliverer.whenIdle();
                      })
                  .compose(ignored -> stored())
                  .map(
                      record -> {
                        assertThat(receiver.received()).hasSize(1);
                        assertThat(record.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
                        assertThat(record.attempts()).isEqualTo(1);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Keeps what the deliverer reported, for assertions. */
  private static final class RecordingObserver implements DeliveryObserver {
    final List<AttemptOutcome> outcomes = new CopyOnWriteArrayList<>();
    final List<String> deadLettered = new CopyOnWriteArrayList<>();

    @Override
    public void attempted(String destination, AttemptOutcome outcome, Duration latency) {
      outcomes.add(outcome);
    }

    @Override
    public void deadLettered(String destination, String deliveryId, int attempts) {
      deadLettered.add(deliveryId);
    }
  }
}
