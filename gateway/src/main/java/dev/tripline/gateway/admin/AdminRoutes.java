package dev.tripline.gateway.admin;

import dev.tripline.detectors.DetectionEngine;
import dev.tripline.gateway.delivery.AttemptRecord;
import dev.tripline.gateway.delivery.Deliverer;
import dev.tripline.gateway.delivery.DeliveryFilter;
import dev.tripline.gateway.delivery.DeliveryRecord;
import dev.tripline.gateway.delivery.DeliveryStatus;
import dev.tripline.gateway.delivery.DestinationState;
import dev.tripline.gateway.detect.DetectionPipeline;
import dev.tripline.gateway.detect.RulesReloader;
import dev.tripline.handlers.EventTimes;
import dev.tripline.handlers.HttpException;
import dev.tripline.rules.Rule;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The admin API under {@code /admin}, for operators asking "why did (or didn't) this fire": the
 * rules with their versions and load status, the last reload report, reload on demand, stored
 * detections by rule, key and time, and the live state of one key of one rule; and for "did this
 * webhook arrive": deliveries by status, destination, rule and time with their attempt history,
 * replay of dead letters (one, or many by filter) with their original {@code webhook-id}, and the
 * destinations' state with re-enabling of a disabled one.
 *
 * <p>Every request needs {@code Authorization: Bearer <admin.token>} (compared in constant time);
 * without it the answer is 401 and says nothing else. Answers are JSON; errors use the gateway's
 * error shape.
 */
public final class AdminRoutes {

  /** Detections one query returns by default, and at most. */
  static final int DEFAULT_LIMIT = 100;

  static final int MAX_LIMIT = 1_000;

  private final byte[] token;
  private final RulesReloader reloader;
  private final DetectionPipeline pipeline;
  private final MongoClient mongo;
  private final Deliverer deliverer;

  /**
   * @param deliverer answers the delivery and destination routes (dead letters, replay, enable)
   */
  public AdminRoutes(
      String token,
      RulesReloader reloader,
      DetectionPipeline pipeline,
      MongoClient mongo,
      Deliverer deliverer) {
    if (token.isBlank()) {
      throw new IllegalArgumentException("admin.token: must not be empty");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.reloader = reloader;
    this.pipeline = pipeline;
    this.mongo = mongo;
    this.deliverer = deliverer;
  }

  public void mount(Router router) {
    router.route("/admin/*").handler(this::authorize);
    router.get("/admin/rules").handler(ctx -> respond(ctx, rules()));
    router.get("/admin/rules/reload").handler(ctx -> reply(ctx, 200, reloader.lastReport()));
    router
        .post("/admin/rules/reload")
        .handler(
            ctx ->
                respond(
                    ctx,
                    reloader
                        .reload("admin")
                        .map(
                            report ->
                                new Reply(
                                    "invalid".equals(report.getString("outcome")) ? 422 : 200,
                                    report))));
    router.get("/admin/rules/:id/keys").handler(this::keyState);
    router.get("/admin/detections").handler(this::detections);
    router.get("/admin/deliveries").handler(this::deliveries);
    router.post("/admin/deliveries/replay").handler(this::replayMany);
    router.get("/admin/deliveries/:id").handler(this::delivery);
    router.post("/admin/deliveries/:id/replay").handler(this::replayOne);
    router.get("/admin/destinations").handler(this::destinations);
    router.post("/admin/destinations/:id/enable").handler(this::enable);
  }

  /** {@code GET /admin/deliveries?status=&destination=&rule=&from=&to=&limit=}, newest first. */
  private void deliveries(RoutingContext ctx) {
    DeliveryFilter filter;
    int limit;
    try {
      filter = deliveryFilter(ctx.queryParams(), Optional.empty());
      limit = limit(ctx.queryParams());
    } catch (HttpException e) {
      ctx.fail(e);
      return;
    }
    respond(
        ctx,
        deliverer
            .deliveries(filter, limit)
            .map(
                found -> {
                  JsonArray list = new JsonArray();
                  found.forEach(record -> list.add(deliveryJson(record, false)));
                  return new Reply(
                      200, new JsonObject().put("deliveries", list).put("count", found.size()));
                }));
  }

  /** {@code GET /admin/deliveries/{id}}: one delivery with its body and attempt history. */
  private void delivery(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    respond(
        ctx,
        deliverer
            .delivery(id)
            .map(
                found ->
                    found
                        .map(record -> new Reply(200, deliveryJson(record, true)))
                        .orElseThrow(
                            () -> new HttpException(404, "no such delivery: " + id, "id", null))));
  }

  /** {@code POST /admin/deliveries/{id}/replay}: the same body and webhook-id, due at once. */
  private void replayOne(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    respond(
        ctx,
        deliverer
            .delivery(id)
            .compose(
                found -> {
                  if (found.isEmpty()) {
                    throw new HttpException(404, "no such delivery: " + id, "id", null);
                  }
                  DeliveryStatus status = found.get().status();
                  if (!REPLAYABLE.contains(status)) {
                    throw new HttpException(
                        409,
                        "delivery "
                            + id
                            + " is "
                            + status.wireName()
                            + ": only dead, succeeded or capped deliveries can be replayed",
                        "id",
                        null);
                  }
                  if (!found.get().hasBody()) {
                    throw new HttpException(
                        409,
                        "delivery "
                            + id
                            + " has no body to replay: it could not be rendered ("
                            + found.get().lastError()
                            + ")",
                        "id",
                        null);
                  }
                  return deliverer.replay(id);
                })
            .compose(replayed -> deliverer.delivery(id))
            .map(
                record ->
                    new Reply(
                        202,
                        new JsonObject()
                            .put("replayed", 1)
                            .put("ids", new JsonArray().add(id))
                            .put("status", record.map(r -> r.status().wireName()).orElse(null)))));
  }

  /**
   * {@code POST /admin/deliveries/replay?status=&destination=&rule=&from=&to=&limit=}: replays the
   * matching finished deliveries ({@code status} defaults to {@code dead}), newest first.
   */
  private void replayMany(RoutingContext ctx) {
    DeliveryFilter filter;
    int limit;
    try {
      filter = deliveryFilter(ctx.queryParams(), Optional.of(DeliveryStatus.DEAD));
      if (!REPLAYABLE.contains(filter.status().orElseThrow())) {
        throw new HttpException(
            400, "status: must be dead, succeeded or capped to replay", "status", null);
      }
      limit = limit(ctx.queryParams());
    } catch (HttpException e) {
      ctx.fail(e);
      return;
    }
    respond(
        ctx,
        deliverer
            .replay(filter, limit)
            .map(
                ids ->
                    new Reply(
                        202,
                        new JsonObject()
                            .put("replayed", ids.size())
                            .put("ids", new JsonArray(new ArrayList<>(ids))))));
  }

  /** {@code GET /admin/destinations}: each configured destination and its state. */
  private void destinations(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    for (DestinationState state : deliverer.destinationStates()) {
      list.add(
          new JsonObject()
              .put("id", state.destination())
              .put("state", state.disabled() ? "disabled" : "enabled")
              .put("reason", state.reason())
              .put("disabledAt", text(state.disabledAt()))
              .put("failingSince", text(state.failingSince())));
    }
    reply(ctx, 200, new JsonObject().put("destinations", list));
  }

  /**
   * {@code POST /admin/destinations/{id}/enable}: re-enables it and releases its held deliveries.
   */
  private void enable(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!deliverer.isConfigured(id)) {
      ctx.fail(new HttpException(404, "no such destination: " + id, "id", null));
      return;
    }
    respond(
        ctx,
        deliverer
            .enable(id)
            .map(
                released ->
                    new Reply(
                        200,
                        new JsonObject()
                            .put("id", id)
                            .put("state", "enabled")
                            .put("released", released))));
  }

  private static final Set<DeliveryStatus> REPLAYABLE =
      Set.of(DeliveryStatus.DEAD, DeliveryStatus.SUCCEEDED, DeliveryStatus.CAPPED);

  private static DeliveryFilter deliveryFilter(
      MultiMap params, Optional<DeliveryStatus> defaultStatus) {
    Optional<DeliveryStatus> status = defaultStatus;
    String statusText = params.get("status");
    if (statusText != null) {
      try {
        status = Optional.of(DeliveryStatus.fromWireName(statusText));
      } catch (IllegalArgumentException e) {
        throw new HttpException(
            400,
            "status: must be one of "
                + Arrays.stream(DeliveryStatus.values())
                    .map(DeliveryStatus::wireName)
                    .collect(Collectors.joining(", "))
                + ", was \""
                + statusText
                + "\"",
            "status",
            null);
      }
    }
    Optional<Instant> from = time(params, "from");
    Optional<Instant> to = time(params, "to");
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      throw new HttpException(400, "to: must be after from", "to", null);
    }
    return new DeliveryFilter(
        status,
        Optional.ofNullable(params.get("destination")),
        Optional.ofNullable(params.get("rule")),
        from,
        to);
  }

  private static int limit(MultiMap params) {
    int limit;
    try {
      limit = params.get("limit") == null ? DEFAULT_LIMIT : Integer.parseInt(params.get("limit"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new HttpException(
          400, "limit: must be an integer from 1 to " + MAX_LIMIT, "limit", null);
    }
    return limit;
  }

  private static JsonObject deliveryJson(DeliveryRecord record, boolean full) {
    JsonObject json =
        new JsonObject()
            .put("id", record.id())
            .put("detectionId", record.detectionId())
            .put("rule", record.ruleId())
            .put("destination", record.destination())
            .put("url", record.url())
            .put("status", record.status().wireName())
            .put("attempts", record.attempts())
            .put(
                "nextAttemptAt",
                record.status() == DeliveryStatus.PENDING ? text(record.nextAttemptAt()) : null)
            .put("createdAt", text(record.createdAt()))
            .put("updatedAt", text(record.updatedAt()))
            .put("lastError", record.lastError());
    if (full) {
      JsonArray history = new JsonArray();
      for (AttemptRecord attempt : record.history()) {
        history.add(
            new JsonObject()
                .put("at", text(attempt.at()))
                .put("status", attempt.httpStatus())
                .put("outcome", attempt.outcome().wireName())
                .put("latencyMs", attempt.latency().toMillis())
                .put("error", attempt.error())
                .put("response", attempt.response()));
      }
      json.put("history", history).put("body", record.body());
    }
    return json;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private void authorize(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    byte[] given =
        header != null && header.startsWith("Bearer ")
            ? header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    if (!MessageDigest.isEqual(given, token)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"tripline-admin\"");
      ctx.fail(new HttpException(401, "missing or wrong admin token", "Authorization", null));
      return;
    }
    ctx.next();
  }

  private Future<Reply> rules() {
    JsonObject report = reloader.lastReport();
    return pipeline
        .withEngine(
            engine -> {
              JsonArray rules = new JsonArray();
              for (Rule rule : engine.rules()) {
                rules.add(describe(rule, engine));
              }
              return rules;
            })
        .map(
            rules ->
                new Reply(
                    200,
                    new JsonObject()
                        .put("rules", rules)
                        .put(
                            "lastReload",
                            new JsonObject()
                                .put("outcome", report.getString("outcome"))
                                .put("at", report.getString("at")))));
  }

  private static JsonObject describe(Rule rule, DetectionEngine engine) {
    return new JsonObject()
        .put("id", rule.id())
        .put("version", rule.version())
        .put("kind", rule.detector().kind())
        .put("description", rule.description())
        .put("status", "loaded")
        .put("origin", rule.origin() == null ? null : rule.origin().toString())
        .put("types", new JsonArray(rule.types().stream().sorted().toList()))
        .put("keyFields", new JsonArray(rule.detector().keyFields()))
        .put("severity", rule.severity().yamlName())
        .put("notify", new JsonArray(rule.destinations()))
        .put("keys", engine.keyCount(rule.id()))
        .put("timers", engine.timers(rule.id()).size());
  }

  /** {@code GET /admin/rules/{id}/keys?field=value...}: what the rule holds for one key. */
  private void keyState(RoutingContext ctx) {
    String ruleId = ctx.pathParam("id");
    Optional<Rule> found = reloader.rules().rule(ruleId);
    if (found.isEmpty()) {
      ctx.fail(new HttpException(404, "no such rule: " + ruleId, "id", null));
      return;
    }
    Rule rule = found.get();
    List<String> fields = rule.detector().keyFields();
    MultiMap params = ctx.queryParams();
    List<String> key = new ArrayList<>(fields.size());
    JsonObject keyJson = new JsonObject();
    for (String field : fields) {
      String value = params.get(field);
      if (value == null) {
        ctx.fail(
            new HttpException(
                400,
                "query parameter "
                    + field
                    + " is required: the key of rule "
                    + ruleId
                    + " is "
                    + fields,
                field,
                null));
        return;
      }
      key.add(value);
      keyJson.put(field, value);
    }
    respond(
        ctx,
        pipeline
            .withEngine(
                engine ->
                    engine.rules().stream().anyMatch(r -> r.id().equals(ruleId))
                        ? engine.keyState(ruleId, key)
                        : Optional.<java.util.Map<String, Object>>empty())
            .map(
                state ->
                    new Reply(
                        200,
                        new JsonObject()
                            .put("rule", ruleId)
                            .put("version", rule.version())
                            .put("key", keyJson)
                            .put(
                                "state",
                                state
                                    .map(s -> new JsonObject(new java.util.LinkedHashMap<>(s)))
                                    .orElse(null)))));
  }

  /** {@code GET /admin/detections?rule=&key.<field>=&from=&to=&limit=}, newest first. */
  private void detections(RoutingContext ctx) {
    MultiMap params = ctx.queryParams();
    JsonObject query = new JsonObject();
    if (params.get("rule") != null) {
      query.put("ruleId", params.get("rule"));
    }
    for (String name : params.names()) {
      if (name.startsWith("key.") && name.length() > 4) {
        String value = params.get(name);
        JsonArray either = new JsonArray().add(value);
        number(value).ifPresent(either::add);
        query.put(name, new JsonObject().put("$in", either));
      }
    }
    JsonObject detectedAt = new JsonObject();
    int limit;
    try {
      time(params, "from").ifPresent(from -> detectedAt.put("$gte", date(from)));
      time(params, "to").ifPresent(to -> detectedAt.put("$lt", date(to)));
      limit = limit(params);
    } catch (HttpException e) {
      ctx.fail(e);
      return;
    }
    if (!detectedAt.isEmpty()) {
      query.put("detectedAt", detectedAt);
    }
    FindOptions options =
        new FindOptions().setSort(new JsonObject().put("detectedAt", -1)).setLimit(limit);
    respond(
        ctx,
        mongo
            .findWithOptions("detections", query, options)
            .map(
                found ->
                    new Reply(
                        200,
                        new JsonObject()
                            .put("detections", new JsonArray(new ArrayList<>(found)))
                            .put("count", found.size()))));
  }

  private static Optional<Instant> time(MultiMap params, String name) {
    String value = params.get(name);
    if (value == null) {
      return Optional.empty();
    }
    Instant instant;
    try {
      instant = Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new HttpException(
          400, name + ": must be an ISO-8601 instant such as 2026-11-21T10:00:00Z", name, null);
    }
    // a filter bound becomes a BSON date too: -999999999-01-01T00:00:00Z would overflow it
    return Optional.of(EventTimes.require(name, instant, value));
  }

  private static Optional<Object> number(String value) {
    try {
      return Optional.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      try {
        return Optional.of(Double.parseDouble(value));
      } catch (NumberFormatException notNumber) {
        return Optional.empty();
      }
    }
  }

  private static JsonObject date(Instant instant) {
    return new JsonObject().put("$date", instant.toString());
  }

  private record Reply(int status, Object body) {}

  private static void reply(RoutingContext ctx, int status, Object body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body instanceof JsonObject json ? json.encode() : String.valueOf(body));
  }

  private static void respond(RoutingContext ctx, Future<Reply> reply) {
    reply.onComplete(
        result -> {
          if (result.succeeded()) {
            reply(ctx, result.result().status(), result.result().body());
          } else {
            ctx.fail(result.cause());
          }
        });
  }
}
