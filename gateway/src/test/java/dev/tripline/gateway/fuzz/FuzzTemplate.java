package dev.tripline.gateway.fuzz;

import dev.tripline.gateway.fuzz.UglyValues.TimeRoute;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A valid request for one ingest route, as a mutable tree the fuzz mutations then spoil: which
 * object they act on ({@link #event}), where ugly values go ({@link #payload}, a free-form object
 * that becomes {@code properties} or {@code context}), which fields are required, and the ids it
 * stores when accepted.
 */
final class FuzzTemplate {

  /** The write key the fuzz sends with (source {@code web}). */
  static final String KEY = "wk_fuzz_web_key";

  static final String TIME = "2025-06-01T12:00:00Z";
  static final String CE_SOURCE = "/fuzz";

  enum Kind {
    EVENTS,
    EVENTS_BATCH,
    CE_STRUCTURED,
    CE_BATCH,
    CE_BINARY,
    SEGMENT_CALL,
    SEGMENT_BATCH,
    HOOK_SW,
    HOOK_ACME,
    STREAM
  }

  final Kind kind;
  String route;
  String path;
  final Map<String, String> headers = new LinkedHashMap<>();
  Object root;
  JsonObject event;

  /** Where {@link #event} sits, for descriptions: {@code ""} or e.g. {@code "batch[2]."}. */
  String at = "";

  JsonObject payload;
  String payloadName;
  String idField;
  String timeField;
  TimeRoute timeRoute = TimeRoute.ISO;
  List<String> required = List.of();
  List<String> optional = List.of();
  String segmentCall;
  final List<String> fresh = new ArrayList<>();

  /** The stored id of {@link #event}. */
  String eventId;

  FuzzSigners.Signer signer;
  String source = "web";

  private FuzzTemplate(Kind kind) {
    this.kind = kind;
  }

  boolean countsAnswer() {
    return kind != Kind.SEGMENT_CALL && kind != Kind.SEGMENT_BATCH;
  }

  boolean usesWriteKey() {
    return kind != Kind.HOOK_SW && kind != Kind.HOOK_ACME;
  }

  static String id(int index, int k) {
    return "fz-" + index + "-" + k;
  }

  static FuzzTemplate create(Kind kind, int index, Random random) {
    FuzzTemplate t = new FuzzTemplate(kind);
    switch (kind) {
      case EVENTS, STREAM -> {
        t.route = kind == Kind.STREAM ? "WS /v1/stream" : "POST /v1/events";
        t.path = "/v1/events";
        t.root = t.canonical(index, 0);
        t.select((JsonObject) t.root, "", 0);
      }
      case EVENTS_BATCH -> {
        t.route = "POST /v1/events (batch)";
        t.path = "/v1/events";
        t.batchOf("batch", random, k -> t.canonical(index, k));
      }
      case CE_STRUCTURED -> {
        t.route = "POST /v1/cloudevents (structured)";
        t.path = "/v1/cloudevents";
        t.headers.put("Content-Type", "application/cloudevents+json");
        t.root = t.cloudEvent(index, 0);
        t.select((JsonObject) t.root, "", 0);
      }
      case CE_BATCH -> {
        t.route = "POST /v1/cloudevents (batch)";
        t.path = "/v1/cloudevents";
        t.headers.put("Content-Type", "application/cloudevents-batch+json");
        JsonArray batch = new JsonArray();
        int size = 1 + random.nextInt(4);
        for (int k = 0; k < size; k++) {
          batch.add(t.cloudEvent(index, k));
        }
        t.root = batch;
        int chosen = random.nextInt(size);
        t.select(batch.getJsonObject(chosen), "[" + chosen + "].", chosen);
      }
      case CE_BINARY -> t.binaryCloudEvent(index);
      case SEGMENT_CALL -> {
        String call = SEGMENT_CALLS[random.nextInt(SEGMENT_CALLS.length)];
        t.route = "POST /v1/" + call;
        t.path = "/v1/" + call;
        t.root = t.segment(call, index, 0, false);
        t.select((JsonObject) t.root, "", 0);
      }
      case SEGMENT_BATCH -> {
        t.path = random.nextBoolean() ? "/v1/batch" : "/v1/import";
        t.route = "POST " + t.path;
        t.batchOf(
            "batch",
            random,
            k -> t.segment(SEGMENT_CALLS[random.nextInt(SEGMENT_CALLS.length)], index, k, true));
      }
      case HOOK_SW -> t.standardWebhook(index);
      case HOOK_ACME -> t.acme(index);
    }
    if (t.usesWriteKey() && kind != Kind.STREAM) {
      t.headers.putIfAbsent("Content-Type", "application/json");
      t.headers.put("Authorization", "Bearer " + KEY);
    }
    return t;
  }

  static final String[] SEGMENT_CALLS = {"track", "identify", "page", "screen", "group", "alias"};

  private JsonObject canonical(int index, int k) {
    JsonObject e =
        new JsonObject()
            .put("type", "fz.signup")
            .put("id", id(index, k))
            .put("timestamp", TIME)
            .put("userId", "u-" + index)
            .put("properties", new JsonObject().put("plan", "pro").put("n", k));
    fresh.add(id(index, k));
    return e;
  }

  private JsonObject cloudEvent(int index, int k) {
    fresh.add(ceId(CE_SOURCE, id(index, k)));
    return new JsonObject()
        .put("specversion", "1.0")
        .put("id", id(index, k))
        .put("source", CE_SOURCE)
        .put("type", "fz.ce")
        .put("subject", "u-" + index)
        .put("time", TIME)
        .put("datacontenttype", "application/json")
        .put("data", new JsonObject().put("plan", "pro").put("n", k));
  }

  private JsonObject segment(String call, int index, int k, boolean inBatch) {
    JsonObject m = new JsonObject();
    if (inBatch) {
      m.put("type", call);
    }
    m.put("userId", "u-" + index).put("messageId", id(index, k)).put("timestamp", TIME);
    JsonObject free = new JsonObject().put("plan", "pro").put("n", k);
    switch (call) {
      case "track" -> m.put("event", "Fz Track").put("properties", free);
      case "identify", "group" -> m.put("traits", free);
      case "page", "screen" -> m.put("name", "Home").put("properties", free);
      default -> m.put("previousId", "p-" + index).put("context", free);
    }
    if (call.equals("group")) {
      m.put("groupId", "g-" + index);
    }
    fresh.add(id(index, k));
    return m;
  }

  private void binaryCloudEvent(int index) {
    route = "POST /v1/cloudevents (binary)";
    path = "/v1/cloudevents";
    headers.put("Content-Type", "application/json");
    headers.put("ce-specversion", "1.0");
    headers.put("ce-id", id(index, 0));
    headers.put("ce-source", CE_SOURCE);
    headers.put("ce-type", "fz.ce.binary");
    headers.put("ce-subject", "u-" + index);
    headers.put("ce-time", TIME);
    JsonObject data = new JsonObject().put("plan", "pro").put("n", 0);
    root = data;
    event = data;
    payload = data;
    payloadName = "data";
    fresh.add(ceId(CE_SOURCE, id(index, 0)));
    eventId = fresh.get(0);
  }

  private void standardWebhook(int index) {
    route = "POST /hooks/sw (standard-webhooks)";
    path = "/hooks/sw";
    source = "sw";
    headers.put("Content-Type", "application/json");
    JsonObject body =
        new JsonObject()
            .put("type", "fz.hook")
            .put("timestamp", TIME)
            .put("data", new JsonObject().put("plan", "pro"));
    root = body;
    event = body;
    payload = body.getJsonObject("data");
    payloadName = "data";
    timeField = "timestamp";
    timeRoute = TimeRoute.HOOK;
    required = List.of("type");
    optional = List.of("timestamp", "data");
    fresh.add(id(index, 0));
    eventId = fresh.get(0);
    signer = FuzzSigners.standard(eventId);
  }

  private void acme(int index) {
    route = "POST /hooks/acme (hmac, mapped)";
    path = "/hooks/acme";
    source = "acme";
    headers.put("Content-Type", "application/json");
    JsonObject body =
        new JsonObject()
            .put("event", "fz.acme")
            .put("delivery_id", id(index, 0))
            .put("account", new JsonObject().put("id", 42))
            .put("at", TIME)
            .put("payload", new JsonObject().put("plan", "pro"));
    root = body;
    event = body;
    payload = body.getJsonObject("payload");
    payloadName = "payload";
    idField = "delivery_id";
    timeField = "at";
    timeRoute = TimeRoute.HOOK;
    required = List.of("event", "account");
    optional = List.of("at", "payload");
    fresh.add(id(index, 0));
    eventId = fresh.get(0);
    signer = FuzzSigners.acme();
  }

  private void batchOf(String field, Random random, java.util.function.IntFunction<JsonObject> e) {
    JsonArray batch = new JsonArray();
    int size = 1 + random.nextInt(4);
    for (int k = 0; k < size; k++) {
      batch.add(e.apply(k));
    }
    root = new JsonObject().put(field, batch);
    int chosen = random.nextInt(size);
    select(batch.getJsonObject(chosen), field + "[" + chosen + "].", chosen);
  }

  /** Makes {@code e} the object mutations act on, and reads its shape. */
  private void select(JsonObject e, String at, int k) {
    this.event = e;
    this.at = at;
    this.eventId = fresh.get(k);
    switch (kind) {
      case CE_STRUCTURED, CE_BATCH -> {
        payload = e.getJsonObject("data");
        payloadName = "data";
        idField = "id";
        timeField = "time";
        required = List.of("specversion", "id", "source", "type");
        optional = List.of("subject", "time", "datacontenttype", "data");
      }
      case SEGMENT_CALL, SEGMENT_BATCH -> {
        segmentCall = e.containsKey("type") ? e.getString("type") : path.substring(4);
        payloadName =
            switch (segmentCall) {
              case "identify", "group" -> "traits";
              case "alias" -> "context";
              default -> "properties";
            };
        payload = e.getJsonObject(payloadName);
        idField = "messageId";
        timeField = "timestamp";
        timeRoute = TimeRoute.SEGMENT;
        List<String> needed = new ArrayList<>(List.of("userId"));
        switch (segmentCall) {
          case "track" -> needed.add("event");
          case "group" -> needed.add("groupId");
          case "alias" -> needed.add("previousId");
          default -> {}
        }
        if (kind == Kind.SEGMENT_BATCH) {
          needed.add("type");
        }
        required = List.copyOf(needed);
        optional = List.of("timestamp", payloadName);
      }
      default -> {
        payload = e.getJsonObject("properties");
        payloadName = "properties";
        idField = "id";
        timeField = "timestamp";
        required = List.of("type");
        optional = List.of("timestamp", "userId", "properties");
      }
    }
  }

  /**
   * The canonical id CloudEvents are stored under: {@code ce_} + base64url(SHA-256(src NUL id)).
   */
  static String ceId(String source, String id) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(source.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(id.getBytes(StandardCharsets.UTF_8));
      return "ce_" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
