package dev.tripline.gateway.delivery;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.MongoClientBulkWriteResult;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The outbox in the MongoDB collection {@code deliveries}, one document per delivery keyed by its
 * {@code webhook-id}:
 *
 * <pre>{@code
 * {_id: "msg_...", detectionId, ruleId, destination, url, body,
 *  status: "pending" | "succeeded" | "dead" | "capped" | "held", attempts: 2,
 *  nextAttemptAt: ISODate, createdAt: ISODate, updatedAt: ISODate, lastError: "HTTP 503",
 *  replays: 1, releases: 1,
 *  history: [{at: ISODate, status: 503, outcome: "retryable", latencyMs: 41, error: "HTTP 503",
 *             response: "upstream down"}, ...]}
 * }</pre>
 *
 * and each destination's health in {@code destination_states}: {@code {_id: "crm", disabled: true,
 * reason: "HTTP 410 Gone", disabledAt, failingSince, updatedAt}}.
 *
 * <p>Uses only operations that behave alike on MongoDB 6+ and the embedded mongo-java-server:
 * upserts with {@code $setOnInsert} for idempotent enqueueing and {@code $push} with {@code $slice}
 * to cap the history.
 */
public final class MongoDeliveryStore implements DeliveryStore {

  /** The collection holding the outbox. */
  public static final String COLLECTION = "deliveries";

  /** The collection holding each destination's health: disabled or not, failing since when. */
  public static final String STATES = "destination_states";

  private static final UpdateOptions MULTI = new UpdateOptions().setMulti(true);

  /** The limit on each MongoDB operation when none is given. */
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(10);

  private static final int DUPLICATE_KEY = 11000;

  private final MongoClient mongo;
  private final long timeoutMillis;

  /**
   * @param mongo the client; its lifecycle stays with the caller
   * @param operationTimeout limit on each operation, so a stalled database fails the caller's
   *     future instead of holding it forever
   */
  public MongoDeliveryStore(MongoClient mongo, Duration operationTimeout) {
    this.mongo = Objects.requireNonNull(mongo, "mongo");
    this.timeoutMillis = operationTimeout.toMillis();
  }

  /** A store with the {@link #DEFAULT_OPERATION_TIMEOUT}. */
  public MongoDeliveryStore(MongoClient mongo) {
    this(mongo, DEFAULT_OPERATION_TIMEOUT);
  }

  /**
   * Creates the indexes the due-delivery query and the operators' listings use. Idempotent; call
   * once at start-up. (The embedded server accepts and ignores it; real MongoDB needs it once the
   * collection grows.)
   */
  public Future<Void> createIndexes() {
    return Future.all(
            bounded(
                mongo.createIndex(
                    COLLECTION, new JsonObject().put("status", 1).put("nextAttemptAt", 1))),
            // each destination's lane polls its own due deliveries
            bounded(
                mongo.createIndex(
                    COLLECTION,
                    new JsonObject()
                        .put("status", 1)
                        .put("destination", 1)
                        .put("nextAttemptAt", 1))),
            // the admin API's listings and the holding and releasing of a destination's deliveries
            bounded(
                mongo.createIndex(
                    COLLECTION,
                    new JsonObject().put("destination", 1).put("status", 1).put("createdAt", -1))),
            bounded(mongo.createIndex(COLLECTION, new JsonObject().put("createdAt", -1))))
        .mapEmpty();
  }

  @Override
  public Future<List<DeliveryRecord>> enqueue(List<DeliveryRecord> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return upsertNew(records)
        // two writers upserting one new _id at once may see a duplicate-key error on MongoDB: the
        // document exists now, so a second pass settles which records were new
        .recover(e -> isDuplicateKey(e) ? upsertNew(records) : Future.failedFuture(e))
        .recover(e -> failed("enqueue deliveries", e));
  }

  private Future<List<DeliveryRecord>> upsertNew(List<DeliveryRecord> records) {
    List<BulkOperation> operations = new ArrayList<>(records.size());
    for (DeliveryRecord record : records) {
      JsonObject document = toDocument(record);
      document.remove("_id");
      operations.add(
          BulkOperation.createUpdate(
              new JsonObject().put("_id", record.id()),
              new JsonObject().put("$setOnInsert", document),
              true,
              false));
    }
    return bounded(
            mongo.bulkWriteWithOptions(
                COLLECTION, operations, new BulkWriteOptions().setOrdered(false)))
        .map(result -> newOnes(records, result));
  }

  private static List<DeliveryRecord> newOnes(
      List<DeliveryRecord> records, MongoClientBulkWriteResult result) {
    Set<Integer> upserted = new HashSet<>();
    for (JsonObject upsert : result.getUpserts()) {
      upserted.add(upsert.getInteger(MongoClientBulkWriteResult.INDEX));
    }
    List<DeliveryRecord> fresh = new ArrayList<>(upserted.size());
    for (int i = 0; i < records.size(); i++) {
      if (upserted.contains(i)) {
        fresh.add(records.get(i));
      }
    }
    return fresh;
  }

  @Override
  public Future<List<DeliveryRecord>> findDue(Instant now, int limit) {
    return findDue(dueQuery(now), limit);
  }

  @Override
  public Future<List<DeliveryRecord>> findDue(Instant now, String destination, int limit) {
    return findDue(dueQuery(now).put("destination", destination), limit);
  }

  @Override
  public Future<List<DeliveryRecord>> findDueExcept(
      Instant now, Set<String> destinations, int limit) {
    return findDue(
        dueQuery(now)
            .put(
                "destination",
                new JsonObject().put("$nin", new JsonArray(List.copyOf(destinations)))),
        limit);
  }

  private static JsonObject dueQuery(Instant now) {
    return new JsonObject()
        .put("status", DeliveryStatus.PENDING.wireName())
        .put("nextAttemptAt", new JsonObject().put("$lte", date(now)));
  }

  private Future<List<DeliveryRecord>> findDue(JsonObject query, int limit) {
    FindOptions options =
        new FindOptions().setSort(new JsonObject().put("nextAttemptAt", 1)).setLimit(limit);
    return bounded(mongo.findWithOptions(COLLECTION, query, options))
        .map(documents -> documents.stream().map(MongoDeliveryStore::fromDocument).toList())
        .recover(e -> failed("find due deliveries", e));
  }

  @Override
  public Future<Boolean> recordAttempt(
      String id, AttemptRecord attempt, DeliveryStatus status, Instant nextAttemptAt) {
    JsonObject set =
        new JsonObject()
            .put("status", status.wireName())
            .put("updatedAt", date(attempt.at()))
            .put("lastError", attempt.error());
    if (status == DeliveryStatus.PENDING) {
      set.put("nextAttemptAt", date(nextAttemptAt));
    }
    JsonObject update =
        new JsonObject()
            .put("$set", set)
            .put("$inc", new JsonObject().put("attempts", 1))
            .put(
                "$push",
                new JsonObject()
                    .put(
                        "history",
                        new JsonObject()
                            .put("$each", new JsonArray().add(toDocument(attempt)))
                            .put("$slice", -DeliveryRecord.MAX_HISTORY)));
    // only a pending delivery takes attempts: a terminal one stays as it was recorded
    JsonObject filter =
        new JsonObject().put("_id", id).put("status", DeliveryStatus.PENDING.wireName());
    return bounded(mongo.updateCollection(COLLECTION, filter, update))
        .map(result -> result.getDocMatched() > 0)
        .recover(e -> failed("record delivery attempt", e));
  }

  @Override
  public Future<List<DeliveryRecord>> list(DeliveryFilter filter, int limit) {
    FindOptions options =
        new FindOptions().setSort(new JsonObject().put("createdAt", -1)).setLimit(limit);
    return bounded(mongo.findWithOptions(COLLECTION, query(filter), options))
        .map(documents -> documents.stream().map(MongoDeliveryStore::fromDocument).toList())
        .recover(e -> failed("list deliveries", e));
  }

  static JsonObject query(DeliveryFilter filter) {
    JsonObject query = new JsonObject();
    filter.status().ifPresent(status -> query.put("status", status.wireName()));
    filter.destination().ifPresent(destination -> query.put("destination", destination));
    filter.rule().ifPresent(rule -> query.put("ruleId", rule));
    JsonObject created = new JsonObject();
    filter.from().ifPresent(from -> created.put("$gte", date(from)));
    filter.to().ifPresent(to -> created.put("$lt", date(to)));
    if (!created.isEmpty()) {
      query.put("createdAt", created);
    }
    return query;
  }

  @Override
  public Future<Boolean> replay(String id, Instant at) {
    JsonObject filter =
        new JsonObject()
            .put("_id", id)
            // a delivery whose body could not be rendered has nothing to send
            .put("body", new JsonObject().put("$ne", ""))
            .put(
                "status",
                new JsonObject()
                    .put(
                        "$in",
                        new JsonArray()
                            .add(DeliveryStatus.DEAD.wireName())
                            .add(DeliveryStatus.SUCCEEDED.wireName())
                            .add(DeliveryStatus.CAPPED.wireName())));
    return bounded(mongo.updateCollection(COLLECTION, filter, restart(at, "replays")))
        .map(result -> result.getDocMatched() > 0)
        .recover(e -> failed("replay delivery", e));
  }

  /**
   * Pending again, due at {@code at}, the attempt count starting over; counts it in {@code
   * counter}.
   */
  private static JsonObject restart(Instant at, String counter) {
    return new JsonObject()
        .put(
            "$set",
            new JsonObject()
                .put("status", DeliveryStatus.PENDING.wireName())
                .put("attempts", 0)
                .put("nextAttemptAt", date(at))
                .put("updatedAt", date(at)))
        .put("$inc", new JsonObject().put(counter, 1));
  }

  @Override
  public Future<Boolean> hold(String id, String reason, Instant at) {
    JsonObject filter =
        new JsonObject().put("_id", id).put("status", DeliveryStatus.PENDING.wireName());
    return bounded(mongo.updateCollection(COLLECTION, filter, holding(reason, at)))
        .map(result -> result.getDocMatched() > 0)
        .recover(e -> failed("hold delivery", e));
  }

  private static JsonObject holding(String reason, Instant at) {
    return new JsonObject()
        .put(
            "$set",
            new JsonObject()
                .put("status", DeliveryStatus.HELD.wireName())
                .put("lastError", reason)
                .put("updatedAt", date(at)));
  }

  @Override
  public Future<Long> holdPending(String destination, String reason, Instant at) {
    JsonObject filter =
        new JsonObject()
            .put("destination", destination)
            .put("status", DeliveryStatus.PENDING.wireName());
    return bounded(
            mongo.updateCollectionWithOptions(COLLECTION, filter, holding(reason, at), MULTI))
        .map(result -> result.getDocModified())
        .recover(e -> failed("hold deliveries", e));
  }

  @Override
  public Future<Long> releaseHeld(String destination, Instant at) {
    JsonObject filter =
        new JsonObject()
            .put("destination", destination)
            .put("status", DeliveryStatus.HELD.wireName());
    return bounded(
            mongo.updateCollectionWithOptions(COLLECTION, filter, restart(at, "releases"), MULTI))
        .map(result -> result.getDocModified())
        .recover(e -> failed("release held deliveries", e));
  }

  @Override
  public Future<List<DestinationState>> destinationStates() {
    return bounded(mongo.find(STATES, new JsonObject()))
        .map(
            documents ->
                documents.stream()
                    .map(
                        d ->
                            new DestinationState(
                                d.getString("_id"),
                                d.getBoolean("disabled", false),
                                d.getString("reason"),
                                instant(d.getValue("disabledAt")),
                                instant(d.getValue("failingSince"))))
                    .toList())
        .recover(e -> failed("read destination states", e));
  }

  @Override
  public Future<Void> saveDestinationState(DestinationState state, Instant at) {
    JsonObject document =
        new JsonObject()
            .put("_id", state.destination())
            .put("disabled", state.disabled())
            .put("reason", state.reason())
            .put("disabledAt", date(state.disabledAt()))
            .put("failingSince", date(state.failingSince()))
            .put("updatedAt", date(at));
    return bounded(
            mongo.replaceDocumentsWithOptions(
                STATES,
                new JsonObject().put("_id", state.destination()),
                document,
                new UpdateOptions().setUpsert(true)))
        .<Void>mapEmpty()
        .recover(e -> failed("save destination state", e));
  }

  @Override
  public Future<Long> countRetriesPending(String destination) {
    return bounded(
            mongo.count(
                COLLECTION,
                new JsonObject()
                    .put("status", DeliveryStatus.PENDING.wireName())
                    .put("destination", destination)
                    .put("attempts", new JsonObject().put("$gt", 0))))
        .recover(e -> failed("count pending retries", e));
  }

  @Override
  public Future<Optional<DeliveryRecord>> find(String id) {
    return bounded(mongo.findOne(COLLECTION, new JsonObject().put("_id", id), null))
        .map(document -> Optional.ofNullable(document).map(MongoDeliveryStore::fromDocument))
        .recover(e -> failed("find delivery", e));
  }

  private <T> Future<T> bounded(Future<T> operation) {
    return operation.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private static <T> Future<T> failed(String what, Throwable cause) {
    if (cause instanceof DeliveryStoreException) {
      return Future.failedFuture(cause);
    }
    return Future.failedFuture(new DeliveryStoreException("cannot " + what, cause));
  }

  private static boolean isDuplicateKey(Throwable e) {
    if (e instanceof MongoWriteException write) {
      return write.getError().getCode() == DUPLICATE_KEY;
    }
    if (e instanceof MongoBulkWriteException bulk) {
      return bulk.getWriteErrors().stream().anyMatch(error -> error.getCode() == DUPLICATE_KEY);
    }
    return false;
  }

  static JsonObject toDocument(DeliveryRecord record) {
    JsonArray history = new JsonArray();
    record.history().forEach(attempt -> history.add(toDocument(attempt)));
    return new JsonObject()
        .put("_id", record.id())
        .put("detectionId", record.detectionId())
        .put("ruleId", record.ruleId())
        .put("destination", record.destination())
        .put("url", record.url())
        .put("body", record.body())
        .put("status", record.status().wireName())
        .put("attempts", record.attempts())
        .put("nextAttemptAt", date(record.nextAttemptAt()))
        .put("createdAt", date(record.createdAt()))
        .put("updatedAt", date(record.updatedAt()))
        .put("lastError", record.lastError())
        .put("history", history);
  }

  private static JsonObject toDocument(AttemptRecord attempt) {
    return new JsonObject()
        .put("at", date(attempt.at()))
        .put("status", attempt.httpStatus())
        .put("outcome", attempt.outcome().wireName())
        .put("latencyMs", attempt.latency().toMillis())
        .put("error", attempt.error())
        .put("response", attempt.response());
  }

  static DeliveryRecord fromDocument(JsonObject document) {
    JsonArray stored = document.getJsonArray("history", new JsonArray());
    List<AttemptRecord> history = new ArrayList<>(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      JsonObject attempt = stored.getJsonObject(i);
      history.add(
          new AttemptRecord(
              instant(attempt.getValue("at")),
              attempt.getInteger("status"),
              AttemptOutcome.fromWireName(attempt.getString("outcome")),
              Duration.ofMillis(attempt.getLong("latencyMs", 0L)),
              attempt.getString("error"),
              attempt.getString("response")));
    }
    return new DeliveryRecord(
        document.getString("_id"),
        document.getString("detectionId"),
        document.getString("ruleId"),
        document.getString("destination"),
        document.getString("url"),
        document.getString("body"),
        DeliveryStatus.fromWireName(document.getString("status")),
        document.getInteger("attempts", 0),
        instant(document.getValue("nextAttemptAt")),
        instant(document.getValue("createdAt")),
        instant(document.getValue("updatedAt")),
        document.getString("lastError"),
        history);
  }

  private static JsonObject date(Instant instant) {
    return instant == null ? null : new JsonObject().put("$date", instant.toString());
  }

  private static Instant instant(Object stored) {
    if (stored instanceof JsonObject date) {
      Object value = date.getValue("$date");
      if (value instanceof String text) {
        return Instant.parse(text);
      }
      if (value instanceof Number millis) {
        return Instant.ofEpochMilli(millis.longValue());
      }
    }
    return null;
  }
}
