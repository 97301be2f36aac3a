package dev.tripline.gateway.store;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.IndexModel;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.MongoClientDeleteResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@link EventStore} on MongoDB through the Vert.x MongoDB client (a real MongoDB or the {@link
 * EmbeddedMongo} server alike).
 *
 * <p>Uniqueness of ({@code source}, {@code id}) is the unique index's job, not a read before the
 * write: an unordered bulk insert lets the server store every new event and report the others as
 * duplicate-key errors (code 11000), in one round trip and without races between concurrent
 * writers. Driver errors are translated once, in {@link #mapError}.
 */
public final class MongoEventStore implements EventStore {

  /** MongoDB's duplicate-key error code. */
  static final int DUPLICATE_KEY = 11000;

  private final MongoClient client;
  private final EventStoreOptions options;

  /** The client's event path, used alone to check events; it holds no state. */
  private final DocumentCodec codec = new DocumentCodec(new JsonObject());

  public MongoEventStore(MongoClient client, EventStoreOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The events collection's indexes; the unique one does the deduplication. */
  public static List<IndexModel> indexes() {
    return List.of(
        new IndexModel(
            new JsonObject().put("source", 1).put("id", 1),
            new IndexOptions().unique(true).name("source_id_unique")),
        new IndexModel(
            new JsonObject().put("receivedAt", 1), new IndexOptions().name("receivedAt")),
        new IndexModel(
            new JsonObject().put("type", 1).put("timestamp", 1),
            new IndexOptions().name("type_timestamp")),
        // the order backtests replay in (event time, then id, so that replays are repeatable)
        new IndexModel(
            new JsonObject().put("timestamp", 1).put("_id", 1),
            new IndexOptions().name("timestamp_id")),
        new IndexModel(new JsonObject().put("userId", 1), new IndexOptions().name("userId")));
  }

  @Override
  public Future<Void> createIndexes() {
    return timed(client.createIndexes(options.collection(), indexes()))
        .recover(e -> mapError("create indexes", e));
  }

  @Override
  public Future<WriteOutcome> insert(List<Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture(WriteOutcome.allInserted(0));
    }
    List<BulkOperation> inserts = new ArrayList<>(events.size());
    for (Event event : events) {
      inserts.add(BulkOperation.createInsert(new EventDocument(event)));
    }
    BulkWriteOptions bulkOptions =
        new BulkWriteOptions().setOrdered(false).setWriteOption(options.writeConcern());
    return timed(client.bulkWriteWithOptions(options.collection(), inserts, bulkOptions))
        .map(result -> WriteOutcome.allInserted(events.size()))
        .recover(e -> duplicatesOnly(e, events.size()))
        .recover(e -> mapError("insert events", e));
  }

  /** Encodes each event alone, as {@link #insert} would: what fails here would fail an insert. */
  @Override
  public List<UnstorableEvent> unstorable(List<Event> events) {
    List<UnstorableEvent> found = List.of();
    for (int i = 0; i < events.size(); i++) {
      UnstorableEvent unstorable = codec.unstorable(i, events.get(i));
      if (unstorable != null) {
        if (found.isEmpty()) {
          found = new ArrayList<>();
        }
        found.add(unstorable);
      }
    }
    return found;
  }

  /**
   * Succeeds with the inserted subset when every write error of a failed bulk write is a duplicate
   * key; otherwise passes the failure on.
   */
  private static Future<WriteOutcome> duplicatesOnly(Throwable failure, int size) {
    MongoBulkWriteException bulk = find(failure, MongoBulkWriteException.class);
    if (bulk == null || bulk.getWriteConcernError() != null) {
      return Future.failedFuture(failure);
    }
    Set<Integer> duplicates = new HashSet<>();
    for (BulkWriteError error : bulk.getWriteErrors()) {
      if (error.getCode() != DUPLICATE_KEY) {
        return Future.failedFuture(failure);
      }
      duplicates.add(error.getIndex());
    }
    return Future.succeededFuture(WriteOutcome.of(size - duplicates.size(), duplicates));
  }

  @Override
  public Future<Long> deleteReceivedBefore(Instant cutoff) {
    JsonObject query =
        new JsonObject()
            .put("receivedAt", new JsonObject().put("$lt", EventDocuments.date(cutoff)));
    return timed(client.removeDocuments(options.collection(), query))
        .map(MongoClientDeleteResult::getRemovedCount)
        .recover(e -> mapError("delete old events", e));
  }

  @Override
  public Future<Long> count() {
    return timed(client.count(options.collection(), new JsonObject()))
        .recover(e -> mapError("count events", e));
  }

  private <T> Future<T> timed(Future<T> operation) {
    return operation.timeout(options.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private static <T> Future<T> mapError(String operation, Throwable failure) {
    if (failure instanceof StoreUnavailableException) {
      return Future.failedFuture(failure);
    }
    return Future.failedFuture(
        new StoreUnavailableException(
            "cannot " + operation + ": " + failure.getMessage(), failure));
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
