package dev.tripline.gateway.delivery;

import com.mongodb.MongoWriteException;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Frequency-cap windows in the MongoDB collection {@code caps}, one document per destination,
 * {@code per} field and subject, so that a restart keeps every cap:
 *
 * <pre>{@code
 * {_id: "klaviyo|userId|\"u123\"", destination: "klaviyo", per: "userId", subject: "u123",
 *  sends: [{id: "msg_...", at: ISODate}, ...], version: 4, expiresAt: ISODate}
 * }</pre>
 *
 * <p>{@code sends} is pruned to the window on every write and holds at most the cap's {@code max}
 * entries; {@code expiresAt} is the newest send plus {@code within}, after which {@link
 * #deleteExpired} removes the document.
 *
 * <p>Atomicity: a decision is read, decided and written back with a compare-and-set on {@code
 * version} (an insert for a new window, which the unique {@code _id} guards); a writer that loses
 * the race reads again and decides anew. So two deliveries for one subject judged at the same time
 * (two rules firing for one user in one batch: the detection pipeline hands detections to delivery
 * without waiting for the previous one) cannot both take the last slot, in this process or in
 * several sharing the database. Only plain finds, inserts, filtered updates and deletes are used,
 * which behave alike on MongoDB 6+ and the embedded mongo-java-server.
 */
public final class MongoCapStore implements CapStore {

  /** The collection holding the windows. */
  public static final String COLLECTION = "caps";

  /**
   * How often a decision is retried after losing a compare-and-set before it fails (and the
   * delivery goes out uncapped). Only a decision to send writes, and each win adds a send, so a
   * decision loses at most about {@code max} times before it sees the cap reached.
   */
  static final int MAX_RACES = 16;

  private static final int DUPLICATE_KEY = 11000;

  private final MongoClient mongo;
  private final long timeoutMillis;

  /**
   * @param mongo the client; its lifecycle stays with the caller
   * @param operationTimeout limit on each MongoDB operation
   */
  public MongoCapStore(MongoClient mongo, Duration operationTimeout) {
    this.mongo = Objects.requireNonNull(mongo, "mongo");
    this.timeoutMillis = operationTimeout.toMillis();
  }

  /** A store with {@link MongoDeliveryStore#DEFAULT_OPERATION_TIMEOUT}. */
  public MongoCapStore(MongoClient mongo) {
    this(mongo, MongoDeliveryStore.DEFAULT_OPERATION_TIMEOUT);
  }

  /**
   * Creates the index the expiry delete uses. Idempotent; call once at start-up. (The embedded
   * server accepts and ignores it.)
   */
  public Future<Void> createIndexes() {
    return bounded(mongo.createIndex(COLLECTION, new JsonObject().put("expiresAt", 1)));
  }

  @Override
  public Future<CapDecision> admit(
      String destination, FrequencyCap cap, Object subject, String deliveryId, Instant at) {
    String id = destination + "|" + cap.per() + "|" + Json.encode(subject);
    // compose turns what the driver throws instead of failing (a closed client does) into a failure
    return Future.succeededFuture()
        .compose(ignored -> attempt(id, destination, cap, subject, deliveryId, at, 1))
        .recover(e -> failed("admit delivery under frequency cap", e));
  }

  private Future<CapDecision> attempt(
      String id,
      String destination,
      FrequencyCap cap,
      Object subject,
      String deliveryId,
      Instant at,
      int round) {
    return bounded(mongo.findOne(COLLECTION, new JsonObject().put("_id", id), null))
        .compose(
            stored -> {
              CapDecision decision = cap.decide(sends(stored), deliveryId, at);
              if (!decision.changed()) {
                return Future.succeededFuture(decision);
              }
              return write(id, destination, cap, subject, stored, decision)
                  .compose(
                      won -> {
                        if (won) {
                          return Future.succeededFuture(decision);
                        }
                        if (round >= MAX_RACES) {
                          return Future.failedFuture(
                              new IllegalStateException(
                                  "lost " + round + " concurrent updates of one window"));
                        }
                        return attempt(id, destination, cap, subject, deliveryId, at, round + 1);
                      });
            });
  }

  /** Writes the decided window unless someone else wrote it since it was read. */
  private Future<Boolean> write(
      String id,
      String destination,
      FrequencyCap cap,
      Object subject,
      JsonObject stored,
      CapDecision decision) {
    List<CapSend> window = decision.window();
    JsonArray sends = new JsonArray();
    window.forEach(
        send ->
            sends.add(new JsonObject().put("id", send.deliveryId()).put("at", date(send.at()))));
    JsonObject expiresAt = date(window.get(window.size() - 1).at().plus(cap.within()));
    if (stored == null) {
      JsonObject document =
          new JsonObject()
              .put("_id", id)
              .put("destination", destination)
              .put("per", cap.per())
              .put("subject", shown(subject))
              .put("sends", sends)
              .put("version", 1L)
              .put("expiresAt", expiresAt);
      return bounded(mongo.insert(COLLECTION, document))
          .map(inserted -> true)
          .recover(e -> isDuplicateKey(e) ? Future.succeededFuture(false) : Future.failedFuture(e));
    }
    long version = stored.getLong("version", 0L);
    JsonObject filter = new JsonObject().put("_id", id).put("version", version);
    JsonObject update =
        new JsonObject()
            .put(
                "$set",
                new JsonObject()
                    .put("sends", sends)
                    .put("version", version + 1)
                    .put("expiresAt", expiresAt));
    return bounded(mongo.updateCollection(COLLECTION, filter, update))
        .map(result -> result.getDocMatched() > 0);
  }

  @Override
  public Future<Long> deleteExpired(Instant now) {
    JsonObject query = new JsonObject().put("expiresAt", new JsonObject().put("$lte", date(now)));
    return Future.succeededFuture()
        .compose(ignored -> bounded(mongo.removeDocuments(COLLECTION, query)))
        .map(result -> result.getRemovedCount())
        .recover(e -> failed("delete expired frequency-cap windows", e));
  }

  /** The sends of a stored window; entries an operator mangled are skipped, not fatal. */
  private static List<CapSend> sends(JsonObject stored) {
    if (stored == null || !(stored.getValue("sends") instanceof JsonArray array)) {
      return List.of();
    }
    List<CapSend> sends = new ArrayList<>(array.size());
    for (Object entry : array) {
      if (entry instanceof JsonObject send
          && send.getValue("id") instanceof String deliveryId
          && instant(send.getValue("at")) != null) {
        sends.add(new CapSend(deliveryId, instant(send.getValue("at"))));
      }
    }
    return sends;
  }

  /** Scalars as they are, anything else as JSON text: for operators reading the collection. */
  private static Object shown(Object subject) {
    return subject instanceof String || subject instanceof Number || subject instanceof Boolean
        ? subject
        : Json.encode(subject);
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
    return e instanceof MongoWriteException write && write.getError().getCode() == DUPLICATE_KEY;
  }

  private static JsonObject date(Instant instant) {
    return new JsonObject().put("$date", instant.toString());
  }

  private static Instant instant(Object stored) {
    if (stored instanceof JsonObject date) {
      Object value = date.getValue("$date");
      if (value instanceof String text) {
        try {
          return Instant.parse(text);
        } catch (DateTimeParseException e) {
          return null;
        }
      }
      if (value instanceof Number millis) {
        return Instant.ofEpochMilli(millis.longValue());
      }
    }
    return null;
  }
}
