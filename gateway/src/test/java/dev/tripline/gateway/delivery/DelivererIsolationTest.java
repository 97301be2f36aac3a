package dev.tripline.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each destination's lane: concurrency, queue, rate limit and breaker hold only its own work. */
@ExtendWith(VertxExtension.class)
class DelivererIsolationTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Instant T0 = Instant.parse("2026-11-21T10:30:00Z");

  private static MongoServer server;

  private Vertx vertx;
  private MongoClient mongo;
  private MongoDeliveryStore store;
  private WebClient client;
  private FakeClock clock;
  private final List<String> breakerChanges = new CopyOnWriteArrayList<>();
  private final List<String> queueFull = new CopyOnWriteArrayList<>();
  private final DeliveryObserver observer =
      new DeliveryObserver() {
        @Override
        public void breakerChanged(String destination, String state) {
          breakerChanges.add(destination + ":" + state);
        }

        @Override
        public void queueFull(String destination) {
          queueFull.add(destination);
        }
      };

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
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    client.close();
    mongo.close().onComplete(ctx.succeedingThenComplete());
  }

  private static Destination destination(
      String id, Receiver receiver, Duration timeout, DestinationLimits limits) {
    return Destination.of(id, receiver.url(), SECRET, timeout, null)
        .withLimits(limits)
        .withAllowPrivate(true);
  }

  private Deliverer deliverer(Destination... destinations) {
    Map<String, Destination> byId = new LinkedHashMap<>();
    Arrays.stream(destinations).forEach(d -> byId.put(d.id(), d));
    return new Deliverer(
        vertx,
        client,
        store,
        new InMemoryCapStore(),
        byId,
        DeliveryOptions.defaults()
            .withRetry(RetryPolicy.defaults().withRandom(() -> 0.5))
            .withPollInterval(Duration.ofMillis(20)),
        clock,
        observer);
  }

  private static Future<Void> submitAll(Deliverer deliverer, int n, String... destinations) {
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(deliverer.submit(Detections.detection("det_" + i, destinations)));
    }
    return Future.all(all).mapEmpty();
  }

  private Future<DeliveryStatus> status(String detectionId, String destination) {
    return store
        .find(WebhookIds.of(detectionId, destination))
        .map(found -> found.orElseThrow().status());
  }

  private static int[] times(int n, int status) {
    return IntStream.range(0, n).map(i -> status).toArray();
  }

  @Test
  void should_deliver_to_a_healthy_destination_while_another_hangs(VertxTestContext ctx) {
    DestinationLimits two = new DestinationLimits(2, 1000, 0, 5, Duration.ofSeconds(30));
    Future.all(Receiver.start(vertx, times(100, Receiver.HANG)), Receiver.start(vertx))
        .compose(
            receivers -> {
              Receiver hanging = receivers.resultAt(0);
              Receiver healthy = receivers.resultAt(1);
              Deliverer deliverer =
                  deliverer(
                      destination("hanging", hanging, Duration.ofMinutes(5), two),
                      destination("healthy", healthy, Duration.ofSeconds(5), two));
              return submitAll(deliverer, 20, "hanging", "healthy")
                  .compose(ignored -> healthy.awaitRequests(20))
                  .compose(ignored -> deliverer.pollOnce())
                  .compose(ignored -> status("det_19", "healthy"))
                  .map(
                      last -> {
                        // all 20 went through two slots while the other lane's two hang
                        assertThat(healthy.received()).hasSize(20);
                        assertThat(hanging.received()).hasSizeLessThanOrEqualTo(2);
                        assertThat(deliverer.running("hanging")).isEqualTo(2);
                        assertThat(deliverer.queued("hanging")).isEqualTo(18);
                        assertThat(deliverer.queued("healthy")).isZero();
                        assertThat(deliverer.breakerState("healthy")).contains("closed");
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_open_the_breaker_probe_after_the_cool_off_and_close_on_success(VertxTestContext ctx) {
    DestinationLimits breaker = new DestinationLimits(1, 1000, 0, 2, Duration.ofSeconds(30));
    Receiver.start(vertx, 500, 500, 503)
        .compose(
            receiver -> {
              Deliverer deliverer =
                  deliverer(destination("crm", receiver, Duration.ofSeconds(5), breaker));
              return deliverer
                  .submit(Detections.detection("det_1", "crm"))
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> deliverer.submit(Detections.detection("det_2", "crm")))
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(
                      ignored -> {
                        assertThat(deliverer.breakerState("crm")).contains("open");
                        return deliverer.submit(Detections.detection("det_3", "crm"));
                      })
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(
                      ignored -> {
                        // open: det_3 waits in the lane; the retries due at +1 s and +2 s too
                        assertThat(receiver.received()).hasSize(2);
                        assertThat(deliverer.queued("crm")).isEqualTo(1);
                        clock.advance(Duration.ofSeconds(29));
                        return deliverer.pollOnce();
                      })
                  .compose(
                      stillOpen -> {
                        assertThat(stillOpen).isZero();
                        assertThat(receiver.received()).hasSize(2);
                        assertThat(deliverer.queued("crm")).isEqualTo(3);
                        clock.advance(Duration.ofSeconds(1));
                        return deliverer.pollOnce();
                      })
                  .compose(
                      probe -> {
                        // one probe, answered 503: open again for a whole cool-off
                        assertThat(probe).isEqualTo(1);
                        assertThat(receiver.received()).hasSize(3);
                        assertThat(deliverer.breakerState("crm")).contains("open");
                        clock.advance(Duration.ofSeconds(29));
                        return deliverer.pollOnce();
                      })
                  .compose(
                      stillOpen -> {
                        assertThat(stillOpen).isZero();
                        clock.advance(Duration.ofSeconds(1));
                        return deliverer.pollOnce();
                      })
                  .compose(
                      probe -> {
                        // the probe succeeds, the breaker closes and the lane drains
                        assertThat(probe).isEqualTo(1);
                        return receiver.awaitRequests(6);
                      })
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(
                      ignored ->
                          Future.all(
                              status("det_1", "crm"),
                              status("det_2", "crm"),
                              status("det_3", "crm")))
                  .map(
                      statuses -> {
                        assertThat(statuses.<DeliveryStatus>list())
                            .containsOnly(DeliveryStatus.SUCCEEDED);
                        assertThat(deliverer.breakerState("crm")).contains("closed");
                        assertThat(breakerChanges)
                            .containsExactly(
                                "crm:open",
                                "crm:half_open",
                                "crm:open",
                                "crm:half_open",
                                "crm:closed");
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_hold_the_rate_limit(VertxTestContext ctx) {
    DestinationLimits twoPerSecond = new DestinationLimits(8, 1000, 2, 5, Duration.ofSeconds(30));
    Receiver.start(vertx)
        .compose(
            receiver -> {
              Deliverer deliverer =
                  deliverer(destination("crm", receiver, Duration.ofSeconds(5), twoPerSecond));
              return submitAll(deliverer, 7, "crm")
                  .compose(ignored -> receiver.awaitRequests(2))
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(
                      ignored -> {
                        // the bucket holds one second's worth; the fake clock has not moved
                        assertThat(deliverer.queued("crm")).isEqualTo(5);
                        clock.advance(Duration.ofMillis(499));
                        return deliverer.pollOnce();
                      })
                  .compose(
                      ignored -> {
                        assertThat(deliverer.queued("crm")).isEqualTo(5);
                        clock.advance(Duration.ofMillis(1));
                        return deliverer.pollOnce();
                      })
                  .compose(ignored -> receiver.awaitRequests(3))
                  .compose(
                      ignored -> {
                        assertThat(deliverer.queued("crm")).isEqualTo(4);
                        clock.advance(Duration.ofSeconds(10));
                        return deliverer.pollOnce();
                      })
                  .compose(ignored -> receiver.awaitRequests(5))
                  .map(
                      ignored -> {
                        // a long pause refills one second's worth, not ten
                        assertThat(deliverer.queued("crm")).isEqualTo(2);
                        assertThat(receiver.received()).hasSize(5);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void should_bound_the_queue_and_leave_the_rest_in_the_outbox(VertxTestContext ctx) {
    DestinationLimits small = new DestinationLimits(1, 2, 0, 5, Duration.ofSeconds(30));
    Receiver.start(vertx, Receiver.HOLD)
        .compose(
            receiver -> {
              Deliverer deliverer =
                  deliverer(destination("crm", receiver, Duration.ofSeconds(5), small));
              return submitAll(deliverer, 6, "crm")
                  .compose(ignored -> receiver.awaitRequests(1))
                  .compose(
                      ignored -> {
                        // one in flight (held), two queued, three left pending in the outbox
                        assertThat(deliverer.running("crm")).isEqualTo(1);
                        assertThat(deliverer.queued("crm")).isEqualTo(2);
                        assertThat(queueFull).hasSize(3);
                        return deliverer.pollOnce();
                      })
                  .compose(
                      polled -> {
                        assertThat(polled).isZero();
                        assertThat(deliverer.queued("crm")).isEqualTo(2);
                        receiver.releaseHeld(200);
                        return receiver.awaitRequests(3);
                      })
                  .compose(ignored -> deliverer.whenIdle())
                  // each poll reads only what the queue has room for
                  .compose(ignored -> deliverer.pollOnce())
                  .compose(ignored -> receiver.awaitRequests(5))
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> deliverer.pollOnce())
                  .compose(ignored -> receiver.awaitRequests(6))
                  .compose(ignored -> deliverer.whenIdle())
                  .compose(ignored -> status("det_5", "crm"))
                  .map(
                      last -> {
                        assertThat(receiver.received())
                            .extracting(r -> r.header("webhook-id"))
                            .doesNotHaveDuplicates()
                            .hasSize(6);
                        assertThat(last).isEqualTo(DeliveryStatus.SUCCEEDED);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }
}
