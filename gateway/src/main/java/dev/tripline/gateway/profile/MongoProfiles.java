package dev.tripline.gateway.profile;

import dev.tripline.handlers.segment.ProfileUpdate;
import dev.tripline.handlers.segment.Profiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import io.vertx.ext.mongo.WriteOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * User profiles in MongoDB's {@code profiles} collection, one document per userId (profiles span
 * sources, as Segment's do within a workspace), behind a {@link ProfileCache}.
 *
 * <p>Each update is one {@code findOneAndUpdate} upsert that returns the merged document, so the
 * cache gets the whole profile without a second read. Only operators real MongoDB 6+ and the
 * embedded server both implement are used ({@code $set}, {@code $setOnInsert}, {@code $min}, {@code
 * $max}, {@code $inc}); lookups go by {@code _id}, the one index every MongoDB has. Every call
 * times out after {@code timeout}.
 */
public final class MongoProfiles implements Profiles {

  /** The collection. */
  public static final String COLLECTION = "profiles";

  private final MongoClient mongo;
  private final ProfileCache cache;
  private final Duration timeout;
  private final WriteOption writeOption;

  /**
   * @param writeOption the write concern updates wait for (journaled on a majority with a real
   *     replica set)
   */
  public MongoProfiles(
      MongoClient mongo, ProfileCache cache, Duration timeout, WriteOption writeOption) {
    this.mongo = Objects.requireNonNull(mongo, "mongo");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.writeOption = Objects.requireNonNull(writeOption, "writeOption");
  }

  @Override
  public Future<Void> identify(List<ProfileUpdate> updates) {
    List<Future<Void>> written = new ArrayList<>(updates.size());
    for (ProfileUpdate update : updates) {
      written.add(upsert(update));
    }
    return Future.all(written).mapEmpty();
  }

  private Future<Void> upsert(ProfileUpdate update) {
    return mongo
        .findOneAndUpdateWithOptions(
            COLLECTION,
            new JsonObject().put("_id", update.userId()),
            ProfileDocuments.update(update),
            new FindOptions(),
            new UpdateOptions()
                .setUpsert(true)
                .setReturningNewDocument(true)
                .setWriteOption(writeOption))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .map(
            doc -> {
              if (doc != null) {
                cache.offer(
                    update.userId(), ProfileDocuments.profile(doc), ProfileDocuments.version(doc));
              }
              return null;
            });
  }

  /**
   * Loads the users' profiles into the cache (those without one as absent).
   *
   * @return the profiles found, by userId
   */
  public Future<Map<String, Map<String, Object>>> load(Collection<String> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return mongo
        .find(
            COLLECTION,
            new JsonObject()
                .put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(userIds)))))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .map(
            docs -> {
              Map<String, Map<String, Object>> found = new HashMap<>();
              for (JsonObject doc : docs) {
                if (doc.getValue("_id") instanceof String userId) {
                  Map<String, Object> profile = ProfileDocuments.profile(doc);
                  found.put(userId, profile);
                  cache.offer(userId, profile, ProfileDocuments.version(doc));
                }
              }
              for (String userId : userIds) {
                if (!found.containsKey(userId)) {
                  cache.offer(userId, null, 0);
                }
              }
              return found;
            });
  }
}
