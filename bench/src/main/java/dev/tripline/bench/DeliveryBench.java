package dev.tripline.bench;

import dev.tripline.detectors.Detection;
import dev.tripline.gateway.delivery.Deliverer;
import dev.tripline.gateway.delivery.DeliveryObserver;
import dev.tripline.gateway.delivery.DeliveryOptions;
import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.delivery.DestinationLimits;
import dev.tripline.gateway.delivery.InMemoryCapStore;
import dev.tripline.gateway.delivery.MongoDeliveryStore;
import dev.tripline.gateway.store.EmbeddedMongo;
import dev.tripline.gateway.store.EmbeddedMongoOptions;
import dev.tripline.gateway.store.StoreClients;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Outbound delivery: signed webhooks per second to a local sink, and the healthy destination's rate
 * while another destination hangs, as a ratio to the run without the hang.
 *
 * <p>Each run is the gateway's own {@link Deliverer} (outbox in the embedded in-memory store, over
 * TCP, each delivery written before its attempt and its attempt recorded after; Standard Webhooks
 * signature on every attempt) with the gateway's default limits per destination and its default
 * global ceiling. The sink is a Vert.x server on another Vert.x instance in the same JVM that
 * answers 204. Load is a closed loop of {@code --window} detections outstanding (submitted, not yet
 * received by the sink), each naming the healthy destination only.
 *
 * <p>{@code hang}: a second destination whose server accepts and never answers (timeout {@code
 * 60s}, longer than the run, so it hangs throughout) is given {@code --hang-backlog} detections
 * before the warm-up: its lane runs its {@code max_concurrency} attempts into the void, its queue
 * is full, the rest wait in the outbox. Runs go no-hang, hang, no-hang; the ratio is the hang run
 * over the mean of the two others.
 *
 * <p>Usage: {@code DeliveryBench [--window 256] [--warmup 30s] [--duration 20s] [--hang-backlog
 * 2000] [--max-concurrency 8]}; prints one JSON line.
 */
public final class DeliveryBench {

  private static final String SECRET = "whsec_YmVuY2gtc2VjcmV0LWZvci1sb2NhbC11c2Utb25seQ==";

  private DeliveryBench() {}

  public static void main(String[] args) throws Exception {
    Args parsed = Args.parse(args);
    parsed.rejectUnknown(Set.of("window", "warmup", "duration", "hang-backlog", "max-concurrency"));
    int window = parsed.integer("window", 256, 1);
    Duration warmup = parsed.duration("warmup", "30s");
    Duration duration = parsed.duration("duration", "20s");
    int backlog = parsed.integer("hang-backlog", 2000, 1);
    int maxConcurrency =
        parsed.integer("max-concurrency", DestinationLimits.DEFAULT_MAX_CONCURRENCY, 1);
    JsonObject first = run(false, window, warmup, duration, backlog, maxConcurrency);
    JsonObject hang = run(true, window, warmup, duration, backlog, maxConcurrency);
    JsonObject last = run(false, window, warmup, duration, backlog, maxConcurrency);
    double baseline = (first.getDouble("perSecond") + last.getDouble("perSecond")) / 2;
    System.out.println(
        new JsonObject()
            .put("tool", "delivery-bench")
            .put("runs", new JsonArray(List.of(first, hang, last)))
            .put("noHangMeanPerSecond", Math.round(baseline))
            .put(
                "hangOverNoHang",
                Math.round(hang.getDouble("perSecond") / baseline * 1000) / 1000.0)
            .encode());
  }

  private static JsonObject run(
      boolean hang, int window, Duration warmup, Duration duration, int backlog, int maxConcurrency)
      throws Exception {
    EmbeddedMongo store = EmbeddedMongo.start(EmbeddedMongoOptions.memory().withPort(0));
    Vertx vertx = Vertx.vertx();
    Vertx sinkVertx = Vertx.vertx();
    try {
      MongoClient mongo =
          StoreClients.create(
              vertx,
              new JsonObject()
                  .put("connection_string", store.connectionString())
                  .put("db_name", "tripline"),
              "bench");
      MongoDeliveryStore outbox = new MongoDeliveryStore(mongo);
      await(outbox.createIndexes(), 30_000);
      AtomicLong delivered = new AtomicLong();
      AtomicLong measured = new AtomicLong();
      Window timing = Window.after(warmup, duration);
      Sink sink = new Sink();
      HttpServer healthy =
          await(
              sinkVertx
                  .createHttpServer()
                  .requestHandler(
                      request ->
                          request
                              .body()
                              .onSuccess(
                                  body -> {
                                    request.response().setStatusCode(204).end();
                                    delivered.incrementAndGet();
                                    if (timing.counts(System.nanoTime())) {
                                      measured.incrementAndGet();
                                    }
                                    sink.received();
                                  }))
                  .listen(0, "127.0.0.1"),
              10_000);
      // accepts, reads, never answers
      HttpServer hanging =
          await(
              sinkVertx.createHttpServer().requestHandler(request -> {}).listen(0, "127.0.0.1"),
              10_000);
      Map<String, Destination> destinations = new LinkedHashMap<>();
      destinations.put(
          "healthy",
          Destination.of(
                  "healthy",
                  "http://127.0.0.1:" + healthy.actualPort() + "/hook",
                  SECRET,
                  Duration.ofSeconds(10),
                  null)
              .withAllowPrivate(true)
              .withLimits(
                  new DestinationLimits(
                      maxConcurrency,
                      DestinationLimits.DEFAULT_QUEUE,
                      DestinationLimits.NO_RATE_LIMIT,
                      DestinationLimits.DEFAULT_BREAKER_FAILURES,
                      DestinationLimits.DEFAULT_BREAKER_COOL_OFF)));
      destinations.put(
          "hanging",
          Destination.of(
                  "hanging",
                  "http://127.0.0.1:" + hanging.actualPort() + "/hook",
                  SECRET,
                  Duration.ofSeconds(60),
                  null)
              .withAllowPrivate(true));
      WebClient client =
          WebClient.create(
              vertx,
              new WebClientOptions().setFollowRedirects(false),
              new PoolOptions().setHttp1MaxSize(maxConcurrency));
      Deliverer deliverer =
          new Deliverer(
              vertx,
              client,
              outbox,
              new InMemoryCapStore(),
              destinations,
              DeliveryOptions.defaults(),
              InstantSource.system(),
              DeliveryObserver.NONE);
      Context context = vertx.getOrCreateContext();
      Promise<Void> started = Promise.promise();
      context.runOnContext(
          v -> {
            deliverer.start();
            Future<Void> preload = Future.succeededFuture();
            if (hang) {
              for (int i = 0; i < backlog; i++) {
                String id = "hang_" + i;
                preload = preload.compose(ignored -> deliverer.submit(detection(id, "hanging")));
              }
            }
            preload.onComplete(started);
          });
      await(started.future(), 120_000);
      sink.start(context, deliverer, window, timing, delivered);
      long limitMs = warmup.plus(duration).toMillis() + 60_000;
      await(sink.done.future(), limitMs);
      double seconds = timing.seconds();
      JsonObject result =
          new JsonObject()
              .put("scenario", hang ? "hang" : "no-hang")
              .put("window", window)
              .put("seconds", seconds)
              .put("delivered", measured.get())
              .put("perSecond", Math.round(measured.get() / seconds * 10) / 10.0)
              .put("hangingInFlight", deliverer.running("hanging"))
              .put("hangingQueued", deliverer.queued("hanging"))
              .put("healthyBreaker", deliverer.breakerState("healthy").orElse("?"));
      await(
          deliverer.stop().timeout(1, TimeUnit.SECONDS).recover(e -> Future.succeededFuture()),
          5_000);
      client.close();
      await(mongo.close(), 10_000);
      return result;
    } finally {
      await(sinkVertx.close(), 10_000);
      await(vertx.close(), 10_000);
      store.close();
    }
  }

  /** Keeps {@code window} detections outstanding until the measured window ends. */
  private static final class Sink {
    final Promise<Void> done = Promise.promise();
    private Context context;
    private Deliverer deliverer;
    private int window;
    private Window timing;
    private AtomicLong delivered;
    private long submitted;
    private boolean finished;

    void start(
        Context context, Deliverer deliverer, int window, Window timing, AtomicLong delivered) {
      this.context = context;
      this.deliverer = deliverer;
      this.window = window;
      this.timing = timing;
      this.delivered = delivered;
      context.runOnContext(v -> topUp());
    }

    void received() {
      if (context != null) {
        context.runOnContext(v -> topUp());
      }
    }

    /** On the deliverer's context only. */
    private void topUp() {
      if (finished) {
        return;
      }
      if (timing.over(System.nanoTime())) {
        finished = true;
        done.complete();
        return;
      }
      while (submitted - delivered.get() < window) {
        deliverer.submit(detection("det_" + submitted, "healthy"));
        submitted++;
      }
    }
  }

  private static Detection detection(String id, String destination) {
    Instant now = Instant.now();
    return new Detection(
        id,
        "cart-abandon",
        "v1",
        Map.of("userId", "u" + id),
        now.minusSeconds(60),
        now,
        3,
        Map.of("count", 3),
        List.of("evt_01JABCDEFGHJKMNPQRSTVWXYZ0", "evt_01JABCDEFGHJKMNPQRSTVWXYZ1"),
        "evt_01JABCDEFGHJKMNPQRSTVWXYZ0",
        "evt_01JABCDEFGHJKMNPQRSTVWXYZ1",
        now,
        List.of(destination),
        "medium",
        Map.of());
  }

  private static <T> T await(Future<T> future, long timeoutMs) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
  }
}
