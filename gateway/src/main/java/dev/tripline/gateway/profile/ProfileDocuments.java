package dev.tripline.gateway.profile;

import dev.tripline.gateway.store.EventDocuments;
import dev.tripline.handlers.segment.ProfileUpdate;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The documents of the {@code profiles} collection: {@code _id} (the userId), {@code userId},
 * {@code traits}, {@code firstSeen} and {@code lastSeen} (BSON dates), {@code version} (incremented
 * by every update); and the profile map rules see as {@code event.profile}.
 */
final class ProfileDocuments {

  static final String DATE = "$date";

  private ProfileDocuments() {}

  /**
   * The upsert for one update: traits merged key by key ({@code $set} of {@code traits.<name>}),
   * first seen the earliest and last seen the latest event time ever given ({@code $min}/{@code
   * $max}, so that calls arriving out of order still agree), the version incremented.
   */
  static JsonObject update(ProfileUpdate update) {
    JsonObject set = new JsonObject();
    JsonObject traits = EventDocuments.toJson(update.traits());
    traits.forEach(entry -> set.put("traits." + entry.getKey(), entry.getValue()));
    JsonObject doc =
        new JsonObject()
            .put("$setOnInsert", new JsonObject().put("userId", update.userId()))
            .put("$min", new JsonObject().put("firstSeen", date(update.firstSeen())))
            .put("$max", new JsonObject().put("lastSeen", date(update.lastSeen())))
            .put("$inc", new JsonObject().put("version", 1));
    if (!set.isEmpty()) {
      doc.put("$set", set); // an empty $set is an error on MongoDB
    }
    return doc;
  }

  /**
   * The profile as rules see it: {@code userId}, {@code traits}, {@code firstSeen}, {@code
   * lastSeen}.
   */
  static Map<String, Object> profile(JsonObject doc) {
    Map<String, Object> profile = new LinkedHashMap<>();
    profile.put("userId", doc.getValue("_id") instanceof String id ? id : doc.getString("userId"));
    JsonObject traits = doc.getJsonObject("traits");
    profile.put(
        "traits",
        traits == null ? Map.of() : Collections.unmodifiableMap(EventDocuments.fromJson(traits)));
    putDate(profile, "firstSeen", doc.getValue("firstSeen"));
    putDate(profile, "lastSeen", doc.getValue("lastSeen"));
    return Collections.unmodifiableMap(profile);
  }

  static long version(JsonObject doc) {
    return doc.getValue("version") instanceof Number n ? n.longValue() : 1;
  }

  private static JsonObject date(Instant instant) {
    return new JsonObject().put(DATE, instant.toString());
  }

  private static void putDate(Map<String, Object> profile, String field, Object value) {
    if (value instanceof JsonObject date && date.getValue(DATE) != null) {
      Object raw = date.getValue(DATE);
      profile.put(
          field,
          raw instanceof Number millis
              ? Instant.ofEpochMilli(millis.longValue()).toString()
              : Instant.parse(raw.toString()).toString());
    }
  }
}
