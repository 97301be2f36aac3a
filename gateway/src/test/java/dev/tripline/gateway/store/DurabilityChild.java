package dev.tripline.gateway.store;

import dev.tripline.handlers.IngestService.IngestResult;
import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link DurabilityTest} kills: the embedded H2 server, the Vert.x MongoDB client and
 * the writer as the gateway wires them, ingesting without pause. It prints {@code ACK <id>} for
 * every event only once its submission succeeded, i.e. once the writer acknowledged it.
 *
 * <p>Arguments: the data dir and a prefix that keeps ids unique across rounds.
 */
public final class DurabilityChild {

  static final int CONCURRENT_SUBMISSIONS = 64;
  static final int EVENTS_PER_SUBMISSION = 8;

  private final GroupCommitWriter writer;
  private final String prefix;
  private final PrintStream out = System.out;
  private final AtomicLong next = new AtomicLong();

  private DurabilityChild(GroupCommitWriter writer, String prefix) {
    this.writer = writer;
    this.prefix = prefix;
  }

  public static void main(String[] args) {
    try {
      start(Path.of(args[0]), args[1]);
    } catch (RuntimeException e) {
      // the Vert.x threads would keep a half-started child alive for the test to wait on
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void start(Path dataDir, String prefix) {
    EmbeddedMongo server = EmbeddedMongo.start(EmbeddedMongoOptions.h2(dataDir));
    Vertx vertx = Vertx.vertx();
    MongoClient client =
        MongoClient.create(
            vertx,
            StoreFixture.clientConfig(server.connectionString())
                .put("serverSelectionTimeoutMS", 10_000));
    MongoEventStore store = new MongoEventStore(client, EventStoreOptions.defaults());
    StoreFixture.await(store.createIndexes());
    GroupCommitWriter writer =
        new GroupCommitWriter(
            vertx, store, WriterOptions.defaults(), events -> {}, WriterObserver.NONE);
    DurabilityChild child = new DurabilityChild(writer, prefix);
    for (int i = 0; i < CONCURRENT_SUBMISSIONS; i++) {
      child.submitNext();
    }
  }

  private void submitNext() {
    List<Event> events = new ArrayList<>(EVENTS_PER_SUBMISSION);
    for (int i = 0; i < EVENTS_PER_SUBMISSION; i++) {
      events.add(TestEvents.event(prefix + "-" + next.getAndIncrement()));
    }
    Future<IngestResult> result = writer.ingest(events);
    result.onComplete(
        ar -> {
          if (ar.succeeded()) {
            StringBuilder acks = new StringBuilder();
            events.forEach(event -> acks.append("ACK ").append(event.id()).append('\n'));
            out.print(acks);
            out.flush();
          }
          submitNext();
        });
  }
}
