package dev.tripline.gateway.detect;

import com.mongodb.MongoWriteException;
import dev.tripline.detectors.Detection;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.LinkedHashMap;

/** Detections in the MongoDB collection {@code detections}, keyed by their deterministic id. */
public final class MongoDetectionStore implements DetectionStore {

  static final String COLLECTION = "detections";
  private static final int DUPLICATE_KEY = 11000;

  private final MongoClient mongo;

  public MongoDetectionStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  @Override
  public Future<Void> createIndexes() {
    return Future.all(
            mongo.createIndexWithOptions(
                COLLECTION,
                new JsonObject().put("ruleId", 1).put("detectedAt", -1),
                new IndexOptions()),
            mongo.createIndexWithOptions(
                COLLECTION, new JsonObject().put("detectedAt", -1), new IndexOptions()))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> insert(Detection detection) {
    return mongo
        .insert(COLLECTION, toDocument(detection))
        .map(id -> true)
        .recover(
            failure ->
                isDuplicate(failure)
                    ? Future.succeededFuture(false)
                    : Future.failedFuture(failure));
  }

  /** The stored shape of a detection; also what the admin API and tests read back. */
  static JsonObject toDocument(Detection d) {
    return new JsonObject()
        .put("_id", d.id())
        .put("ruleId", d.ruleId())
        .put("ruleVersion", d.ruleVersion())
        .put("severity", d.severity())
        .put("labels", new JsonObject(new LinkedHashMap<>(d.labels())))
        .put("key", new JsonObject(new LinkedHashMap<>(d.key())))
        .put(
            "window",
            new JsonObject().put("start", date(d.windowStart())).put("end", date(d.windowEnd())))
        .put("count", d.count())
        .put("values", new JsonObject(new LinkedHashMap<>(d.values())))
        .put("eventIds", new JsonArray(d.eventIds()))
        .put("firstEventId", d.firstEventId())
        .put("lastEventId", d.lastEventId())
        .put("detectedAt", date(d.detectedAt()))
        .put("destinations", new JsonArray(d.destinations()))
        .put("latestEvent", d.latest().map(e -> new JsonObject(e.asMap())).orElse(null));
  }

  private static JsonObject date(Instant instant) {
    return new JsonObject().put("$date", instant.toString());
  }

  private static boolean isDuplicate(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof MongoWriteException e && e.getCode() == DUPLICATE_KEY) {
        return true;
      }
    }
    return false;
  }
}
