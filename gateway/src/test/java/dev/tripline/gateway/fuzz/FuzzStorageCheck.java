package dev.tripline.gateway.fuzz;

import dev.tripline.gateway.fuzz.FuzzFailures.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Holds what every answer claimed against what the store holds once everything is answered: an
 * acknowledged request's new events are each stored once and its counts match them; a refused
 * request stored nothing; a stored {@code probe} is the value that was sent; and no event is stored
 * that no request accounts for.
 */
final class FuzzStorageCheck {

  private FuzzStorageCheck() {}

  static void check(
      List<JsonObject> stored,
      List<FuzzClaim> claims,
      Map<String, Boolean> validClientIds,
      Set<String> warmIds,
      FuzzFailures failures) {
    Map<String, List<JsonObject>> byId = new HashMap<>();
    for (JsonObject doc : stored) {
      byId.computeIfAbsent(String.valueOf(doc.getValue("id")), id -> new ArrayList<>()).add(doc);
    }
    Set<String> known = new HashSet<>(warmIds);
    known.addAll(validClientIds.keySet());
    int expectedUntraced = 0;
    int uncertainUntraced = 0;
    for (FuzzClaim claim : claims) {
      known.addAll(claim.fresh());
      switch (claim.outcome()) {
        case ACKNOWLEDGED -> {
          expectedUntraced += claim.untraced();
          acknowledged(claim, byId, failures);
        }
        case REFUSED -> {
          List<String> kept = claim.fresh().stream().filter(byId::containsKey).toList();
          if (!kept.isEmpty()) {
            failures.add(
                Kind.STORED_DESPITE_REFUSAL,
                claim.group(),
                claim.describe() + " -> stored ids " + kept);
          }
        }
        case UNKNOWN -> uncertainUntraced += claim.untraced();
      }
    }
    validClientIds.forEach(
        (id, acknowledged) -> {
          int count = byId.getOrDefault(id, List.of()).size();
          if (acknowledged ? count != 1 : count > 1) {
            failures.add(
                Kind.VALID_CLIENT_NOT_STORED_ONCE,
                "valid client " + id.split("-")[2],
                "valid client event "
                    + id
                    + (acknowledged ? " (acknowledged)" : " (not acknowledged)")
                    + " stored "
                    + count
                    + " time(s)");
          }
        });
    for (String warm : warmIds) {
      if (byId.getOrDefault(warm, List.of()).size() != 1) {
        failures.add(
            Kind.WRONG_COUNTS,
            "warm-up",
            "warm-up event "
                + warm
                + " stored "
                + byId.getOrDefault(warm, List.of()).size()
                + " time(s)");
      }
    }
    List<String> untraced =
        byId.keySet().stream().filter(id -> !known.contains(id)).sorted().toList();
    int count = untraced.stream().mapToInt(id -> byId.get(id).size()).sum();
    if (count < expectedUntraced || count > expectedUntraced + uncertainUntraced) {
      failures.add(
          Kind.UNTRACED_EVENTS,
          "events without an id of ours",
          count
              + " stored events carry ids no case sent; acknowledged cases without ids account for "
              + expectedUntraced
              + " (+ up to "
              + uncertainUntraced
              + " unanswered); e.g. "
              + untraced.stream().limit(5).map(id -> brief(byId.get(id).get(0))).toList());
    }
  }

  private static void acknowledged(
      FuzzClaim claim, Map<String, List<JsonObject>> byId, FuzzFailures failures) {
    List<String> missing = new ArrayList<>();
    List<String> twice = new ArrayList<>();
    for (String id : claim.fresh()) {
      int count = byId.getOrDefault(id, List.of()).size();
      if (count == 0) {
        missing.add(id);
      } else if (count > 1) {
        twice.add(id);
      }
    }
    if (!missing.isEmpty() || !twice.isEmpty()) {
      failures.add(
          Kind.WRONG_COUNTS,
          claim.group(),
          claim.describe()
              + " -> acknowledged, but "
              + (missing.isEmpty() ? "" : "not stored: " + missing + " ")
              + (twice.isEmpty() ? "" : "stored twice: " + twice));
    }
    if (claim.accepted() >= 0) {
      int accepted = claim.fresh().size() + claim.untraced();
      if (claim.accepted() != accepted || claim.duplicatesAnswered() != claim.duplicates()) {
        failures.add(
            Kind.WRONG_COUNTS,
            claim.group(),
            claim.describe()
                + " -> answered accepted "
                + claim.accepted()
                + ", duplicates "
                + claim.duplicatesAnswered()
                + "; expected "
                + accepted
                + " and "
                + claim.duplicates());
      }
    }
    if (claim.probeId() != null
        && claim.probe() != FuzzDraft.NO_PROBE
        && byId.containsKey(claim.probeId())) {
      JsonObject doc = byId.get(claim.probeId()).get(0);
      Object found = find(doc, "probe");
      if (!same(claim.probe(), found)) {
        failures.add(
            Kind.STORED_VALUE_ALTERED,
            claim.group(),
            claim.describe()
                + " -> stored probe "
                + FuzzJson.escape(found, 80)
                + ", sent "
                + FuzzJson.escape(claim.probe(), 80));
      }
    }
  }

  /** A stored event in a few words: id, source, type and where it came from. */
  private static String brief(JsonObject doc) {
    JsonObject context = doc.getJsonObject("context", new JsonObject()).copy();
    context.remove("segment");
    return FuzzJson.snippet(
        FuzzDraft.utf8(
            doc.getValue("id")
                + " "
                + doc.getValue("source")
                + " "
                + doc.getValue("type")
                + " "
                + context.encode()),
        160);
  }

  /** The first value under {@code key}, searching depth first. */
  static Object find(Object value, String key) {
    if (value instanceof JsonObject object) {
      if (object.containsKey(key)) {
        return object.getValue(key);
      }
      for (String name : object.fieldNames()) {
        Object found = find(object.getValue(name), key);
        if (found != null) {
          return found;
        }
      }
    } else if (value instanceof JsonArray array) {
      for (Object element : array) {
        Object found = find(element, key);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static boolean same(Object sent, Object stored) {
    if (sent instanceof Number a && stored instanceof Number b) {
      boolean integral = sent instanceof Long;
      return integral
          ? (stored instanceof Long || stored instanceof Integer) && a.longValue() == b.longValue()
          : a.doubleValue() == b.doubleValue();
    }
    return sent.equals(stored);
  }
}
