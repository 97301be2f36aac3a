package dev.tripline.gateway.detect;

import dev.tripline.detectors.DetectionEngine;
import dev.tripline.detectors.EventSummary;
import dev.tripline.detectors.TimerState;
import dev.tripline.handlers.LogText;
import dev.tripline.rules.Rule;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detector timers (absence, sequence) in the MongoDB collection {@code timers}, one document per
 * rule and key, so that a restart puts every pending timer back and fires those that became due
 * while the gateway was down.
 *
 * <p>The detectors report each change ({@link #saved}, {@link #removed}) on the pipeline's context.
 * Changes are written behind, coalesced per timer (only a timer's last state is written) and
 * flushed every {@link #FLUSH_DELAY} or once {@link #FLUSH_AT} timers changed, one bulk write at a
 * time; a failed write is retried, with newer changes of the same timers taking precedence. So the
 * pending set is bounded by the number of timers, and an inactivity rule that restarts a timer on
 * every event costs a write per timer per flush, not per event. The price: a {@code kill -9} loses
 * the timer changes of the last flush interval (a graceful stop {@link #drain drains} them); the
 * events themselves are durable before they are acknowledged.
 *
 * <p>Document: {@code _id} = rule id + {@code "|"} + the key as a JSON array; {@code rule}, {@code
 * version}, {@code fingerprint} (a restore takes only timers of the same rule definition), {@code
 * key}, {@code startedAt}, {@code due} and {@code lastEventAt} (epoch milliseconds), {@code
 * eventIds}, {@code count}, {@code latest} (the bounded summary of the newest event, {@link
 * EventSummary#asMap}). A document without {@code lastEventAt} (written before it existed) reads as
 * one whose newest event is its start; one without {@code latest}, or with a malformed one, as a
 * timer without a summary (its detection then carries none).
 */
public final class MongoTimerStore {

  static final String COLLECTION = "timers";

  /** How long changes gather before a flush. */
  static final Duration FLUSH_DELAY = Duration.ofMillis(50);

  /** Changed timers that make a flush start at once. */
  static final int FLUSH_AT = 1_000;

  /** The most operations in one bulk write. */
  static final int MAX_BATCH = 5_000;

  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(MongoTimerStore.class);

  private final Vertx vertx;
  private final MongoClient mongo;

  /** Timer id to its last state, or to {@code null} for a removal. Insertion ordered. */
  private LinkedHashMap<String, JsonObject> pending = new LinkedHashMap<>();

  private boolean flushScheduled;
  private boolean writing;
  private Duration retryDelay = FLUSH_DELAY;
  private final List<Promise<Void>> drains = new ArrayList<>();
  private Context context;

  public MongoTimerStore(Vertx vertx, MongoClient mongo) {
    this.vertx = vertx;
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo
        .createIndexWithOptions(COLLECTION, new JsonObject().put("rule", 1), new IndexOptions())
        .mapEmpty();
  }

  /** Records a timer's new state; called on the engine's context. */
  public void saved(Rule rule, TimerState timer) {
    change(id(rule.id(), timer.key()), toDocument(rule, timer));
  }

  /** Records a timer's removal; called on the engine's context. */
  public void removed(Rule rule, List<Object> key) {
    change(id(rule.id(), key), null);
  }

  /** Timer changes not yet written. */
  public int pendingChanges() {
    return pending.size();
  }

  /**
   * Puts every stored timer of the engine's rules back into the engine and deletes the stored
   * timers of rules it does not have with the same version and fingerprint (removed or changed
   * while the gateway was down: their state is reset). Must run on the engine's context before any
   * event reaches the engine.
   *
   * @return how many timers were restored
   */
  public Future<Integer> restore(DetectionEngine engine) {
    Map<String, Rule> rules = new LinkedHashMap<>();
    engine.rules().forEach(rule -> rules.put(rule.id(), rule));
    Promise<Integer> restored = Promise.promise();
    int[] count = {0};
    List<String> stale = new ArrayList<>();
    mongo
        .findBatch(COLLECTION, new JsonObject())
        .exceptionHandler(restored::tryFail)
        .endHandler(
            v ->
                deleteIds(stale)
                    .onComplete(
                        deleted -> {
                          if (!stale.isEmpty()) {
                            log.info(
                                "drop timers of changed or removed rules [timers: {}]",
                                stale.size());
                          }
                          restored.tryComplete(count[0]);
                        }))
        .handler(
            doc -> {
              Rule rule = rules.get(doc.getString("rule"));
              if (rule == null
                  || !rule.version().equals(doc.getString("version"))
                  || !rule.fingerprint().equals(doc.getString("fingerprint"))) {
                stale.add(doc.getString("_id"));
                return;
              }
              try {
                engine.restore(rule.id(), fromDocument(doc));
                count[0]++;
              } catch (RuntimeException e) {
                // a malformed document or a rule already holding max-timers-per-rule: skip it
                log.warn(
                    "skip stored timer [id: {}, cause: {}]",
                    LogText.escape(doc.getValue("_id")),
                    LogText.escape(e));
              }
            });
    return restored.future();
  }

  /** Deletes every stored timer of a rule (its state was reset or it was removed). */
  public Future<Void> deleteRule(String ruleId) {
    // pending changes of that rule must not write the timers back afterwards
    String prefix = ruleId + "|";
    pending.keySet().removeIf(id -> id.startsWith(prefix));
    return mongo.removeDocuments(COLLECTION, new JsonObject().put("rule", ruleId)).mapEmpty();
  }

  /** Completes once every change recorded so far is written (graceful shutdown). */
  public Future<Void> drain() {
    if (pending.isEmpty() && !writing) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    drains.add(drained);
    scheduleFlush(Duration.ZERO);
    return drained.future();
  }

  private void change(String id, JsonObject document) {
    if (context == null) {
      context = vertx.getOrCreateContext();
    }
    pending.remove(id); // re-insert at the end: the latest change orders last
    pending.put(id, document);
    scheduleFlush(pending.size() >= FLUSH_AT ? Duration.ZERO : FLUSH_DELAY);
  }

  private void scheduleFlush(Duration delay) {
    if (writing || (flushScheduled && !delay.isZero())) {
      return;
    }
    flushScheduled = true;
    if (delay.isZero()) {
      (context == null ? vertx.getOrCreateContext() : context).runOnContext(v -> flush());
    } else {
      vertx.setTimer(delay.toMillis(), t -> flush());
    }
  }

  private void flush() {
    flushScheduled = false;
    if (writing) {
      return;
    }
    if (pending.isEmpty()) {
      completeDrains();
      return;
    }
    LinkedHashMap<String, JsonObject> batch = take(MAX_BATCH);
    List<BulkOperation> operations = new ArrayList<>(batch.size());
    batch.forEach(
        (id, document) -> {
          JsonObject filter = new JsonObject().put("_id", id);
          operations.add(
              document == null
                  ? BulkOperation.createDelete(filter)
                  : BulkOperation.createReplace(filter, document, true));
        });
    writing = true;
    mongo
        .bulkWrite(COLLECTION, operations)
        .onComplete(
            result -> {
              writing = false;
              if (result.succeeded()) {
                retryDelay = FLUSH_DELAY;
                if (pending.isEmpty()) {
                  completeDrains();
                } else {
                  scheduleFlush(Duration.ZERO);
                }
                return;
              }
              // newer changes of the same timers win over the failed batch
              batch.putAll(pending);
              pending = batch;
              log.warn(
                  "retry writing timers [changes: {}, in: {}ms, cause: {}]",
                  pending.size(),
                  retryDelay.toMillis(),
                  result.cause().toString());
              Duration delay = retryDelay;
              retryDelay =
                  retryDelay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0
                      ? MAX_RETRY_DELAY
                      : retryDelay.multipliedBy(2);
              flushScheduled = true;
              vertx.setTimer(delay.toMillis(), t -> flush());
            });
  }

  private LinkedHashMap<String, JsonObject> take(int max) {
    if (pending.size() <= max) {
      LinkedHashMap<String, JsonObject> all = pending;
      pending = new LinkedHashMap<>();
      return all;
    }
    LinkedHashMap<String, JsonObject> batch = new LinkedHashMap<>();
    var entries = pending.entrySet().iterator();
    while (batch.size() < max) {
      var entry = entries.next();
      batch.put(entry.getKey(), entry.getValue());
      entries.remove();
    }
    return batch;
  }

  private void completeDrains() {
    List<Promise<Void>> waiting = new ArrayList<>(drains);
    drains.clear();
    waiting.forEach(Promise::tryComplete);
  }

  private Future<Void> deleteIds(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return mongo
        .removeDocuments(
            COLLECTION,
            new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(ids))))
        .mapEmpty();
  }

  static String id(String ruleId, List<Object> key) {
    return ruleId + "|" + new JsonArray(new ArrayList<>(key)).encode();
  }

  static JsonObject toDocument(Rule rule, TimerState timer) {
    return new JsonObject()
        .put("_id", id(rule.id(), timer.key()))
        .put("rule", rule.id())
        .put("version", rule.version())
        .put("fingerprint", rule.fingerprint())
        .put("key", new JsonArray(new ArrayList<>(timer.key())))
        .put("startedAt", timer.startedAt().toEpochMilli())
        .put("due", timer.due().toEpochMilli())
        .put("lastEventAt", timer.lastEventAt().toEpochMilli())
        .put("eventIds", new JsonArray(new ArrayList<>(timer.eventIds())))
        .put("count", timer.count())
        .put("latest", timer.latest() == null ? null : new JsonObject(timer.latest().asMap()));
  }

  static TimerState fromDocument(JsonObject doc) {
    List<Object> key = new ArrayList<>(doc.getJsonArray("key").getList());
    List<String> eventIds = doc.getJsonArray("eventIds").stream().map(String::valueOf).toList();
    Instant startedAt = Instant.ofEpochMilli(doc.getLong("startedAt"));
    Long lastEventAt = doc.getLong("lastEventAt");
    return new TimerState(
        key,
        startedAt,
        Instant.ofEpochMilli(doc.getLong("due")),
        eventIds,
        doc.getInteger("count"),
        lastEventAt == null ? startedAt : Instant.ofEpochMilli(lastEventAt),
        latest(doc));
  }

  /** A stored document as plain maps and lists, nested ones included. */
  private static Map<String, Object> plain(JsonObject object) {
    Map<String, Object> map = new LinkedHashMap<>();
    object.forEach(entry -> map.put(entry.getKey(), plainValue(entry.getValue())));
    return map;
  }

  private static Object plainValue(Object value) {
    if (value instanceof JsonObject object) {
      return plain(object);
    }
    if (value instanceof JsonArray array) {
      return array.stream().map(MongoTimerStore::plainValue).toList();
    }
    return value;
  }

  /** The stored summary, or null when there is none or it cannot be read (it is optional). */
  private static EventSummary latest(JsonObject doc) {
    if (!(doc.getValue("latest") instanceof JsonObject latest)) {
      return null;
    }
    try {
      return EventSummary.fromMap(plain(latest));
    } catch (RuntimeException e) {
      log.warn(
          "drop unreadable event summary of timer [id: {}, cause: {}]",
          LogText.escape(doc.getValue("_id")),
          LogText.escape(e));
      return null;
    }
  }
}
