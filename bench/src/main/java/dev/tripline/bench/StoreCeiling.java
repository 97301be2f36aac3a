package dev.tripline.bench;

import dev.tripline.gateway.store.EmbeddedMongo;
import dev.tripline.gateway.store.EmbeddedMongoOptions;
import dev.tripline.gateway.store.EventDocuments;
import dev.tripline.gateway.store.EventStoreOptions;
import dev.tripline.gateway.store.MongoEventStore;
import dev.tripline.gateway.store.StoreClients;
import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The embedded store's own ceiling: unordered bulk inserts of events straight to it through the
 * gateway's own {@link MongoEventStore} (its documents, codec and write concern) on the Vert.x
 * MongoDB client over TCP; no HTTP, no parsing, no batching logic.
 *
 * <p>The store starts exactly as the gateway starts it ({@link EmbeddedMongo} with {@link
 * EmbeddedMongoOptions#h2} or {@link EmbeddedMongoOptions#memory}, in-process, on port 0), the
 * client gets the gateway's connection settings and the collection the gateway's indexes, so the
 * figure is what the gateway's durable ingest can at best reach. Each writer count gets a fresh
 * store. Prints one JSON line per writer count. Usage:
 *
 * <pre>
 * StoreCeiling [--backend h2|memory] [--data-dir DIR] [--writers 1,4] [--batch 500]
 *              [--warmup 3s] [--duration 10s]
 * </pre>
 */
public final class StoreCeiling {

  private static final String COLLECTION = "events";

  private StoreCeiling() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.from(Args.parse(args));
    } catch (IllegalArgumentException e) {
      System.err.println("store ceiling: " + e.getMessage());
      System.exit(2);
      return;
    }
    for (int writers : options.writers()) {
      JsonObject result = measure(options, writers);
      System.out.println(result.encode());
    }
    System.exit(0);
  }

  private record Options(
      String backend,
      Path dataDir,
      List<Integer> writers,
      int batch,
      Duration warmup,
      Duration duration) {

    static Options from(Args args) {
      args.rejectUnknown(Set.of("backend", "data-dir", "writers", "batch", "warmup", "duration"));
      String backend = args.string("backend", "h2");
      if (!Set.of("h2", "memory").contains(backend)) {
        throw new IllegalArgumentException(
            "--backend: must be h2 or memory, was \"" + backend + "\"");
      }
      String dir = args.string("data-dir", "");
      return new Options(
          backend,
          dir.isEmpty() ? null : Path.of(dir),
          args.integers("writers", "1,4", 1),
          args.integer("batch", 500, 1),
          args.duration("warmup", "3s"),
          args.duration("duration", "10s"));
    }
  }

  private static JsonObject measure(Options options, int writers) throws Exception {
    Path dir =
        options.dataDir() == null
            ? Files.createTempDirectory("tripline-ceiling-")
            : options.dataDir().resolve("writers-" + writers);
    EmbeddedMongoOptions storeOptions =
        options.backend().equals("memory")
            ? EmbeddedMongoOptions.memory()
            : EmbeddedMongoOptions.h2(dir);
    EmbeddedMongo store = EmbeddedMongo.start(storeOptions.withPort(0));
    Vertx vertx = Vertx.vertx();
    try {
      MongoClient mongo = StoreClients.create(vertx, clientConfig(store), "ceiling");
      await(createIndexes(mongo), 30_000);
      Window window = Window.after(options.warmup(), options.duration());
      Promise<List<Stats>> finished = Promise.promise();
      vertx.runOnContext(
          v -> {
            List<Future<Stats>> loops = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
              loops.add(new Writer(store(mongo), window, options.batch(), w).run());
            }
            Future.all(loops).map(all -> all.<Stats>list()).onComplete(finished);
          });
      long limit = options.warmup().plus(options.duration()).toMillis() + 60_000;
      Stats stats = Stats.merge(await(finished.future(), limit));
      await(mongo.close(), 10_000);
      return new JsonObject()
          .put("tool", "store-ceiling")
          .put("backend", options.backend())
          .put("writers", writers)
          .put("batch", options.batch())
          .put("seconds", window.seconds())
          .mergeIn(stats.toJson(window.seconds()));
    } finally {
      await(vertx.close(), 10_000);
      store.close();
    }
  }

  /** The settings the gateway gives its client for the embedded store. */
  private static JsonObject clientConfig(EmbeddedMongo store) {
    long timeoutMs = 10_000;
    return new JsonObject()
        .put("connection_string", store.connectionString())
        .put("db_name", "tripline")
        .put("serverSelectionTimeoutMS", timeoutMs)
        .put("connectTimeoutMS", timeoutMs)
        .put("socketTimeoutMS", timeoutMs)
        .put("journal", false);
  }

  /** The gateway's own event store on that client: the same documents, codec and write options. */
  private static MongoEventStore store(MongoClient mongo) {
    return new MongoEventStore(
        mongo, EventStoreOptions.defaults().withOperationTimeout(Duration.ofSeconds(30)));
  }

  /** The gateway's indexes on its events collection (the unique one does the deduplication). */
  private static Future<Void> createIndexes(MongoClient mongo) {
    return mongo.createIndexes(COLLECTION, MongoEventStore.indexes());
  }

  /** One closed loop of bulk writes: write a batch, wait for the ack, write the next. */
  private static final class Writer {
    private final MongoEventStore events;
    private final Window window;
    private final int batch;
    private final int writer;
    private final SplittableRandom random;
    private final Stats stats = new Stats();
    private final Promise<Stats> done = Promise.promise();
    private long next;

    Writer(MongoEventStore events, Window window, int batch, int writer) {
      this.events = events;
      this.window = window;
      this.batch = batch;
      this.writer = writer;
      this.random = new SplittableRandom(writer);
    }

    Future<Stats> run() {
      write();
      return done.future();
    }

    private void write() {
      if (window.over(System.nanoTime())) {
        done.complete(stats);
        return;
      }
      List<Event> inserts = new ArrayList<>(batch);
      Instant now = Instant.now();
      for (int i = 0; i < batch; i++) {
        inserts.add(event(now));
      }
      long started = System.nanoTime();
      events
          .insert(inserts)
          .onComplete(
              result -> {
                long end = System.nanoTime();
                if (window.counts(end)) {
                  if (result.succeeded()) {
                    stats.success(batch, result.result().inserted(), 0, end - started);
                  } else {
                    stats.failure(HttpLoadWorker.kind(result.cause()));
                  }
                }
                write();
              });
    }

    /** An event as the gateway would have parsed it, with a unique id. */
    private Event event(Instant receivedAt) {
      JsonObject event = EventBodies.event(random, receivedAt.minusMillis(random.nextInt(5_000)));
      String timestamp = event.getString("timestamp");
      return EventDocuments.fromDocument(
          event
              .put("id", "evt_ceiling_" + writer + "_" + next++)
              .put("ip", "127.0.0.1")
              .put("timestamp", new JsonObject().put("$date", timestamp))
              .put("receivedAt", new JsonObject().put("$date", receivedAt.toString())));
    }
  }

  private static <T> T await(Future<T> future, long timeoutMs) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
  }
}
