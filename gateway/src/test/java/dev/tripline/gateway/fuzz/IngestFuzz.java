package dev.tripline.gateway.fuzz;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The ingest fuzz of one running gateway, configured with {@link #SOURCES}, {@link #ENV} and {@link
 * #CONFIG}: the cases (a function of the seed), sent over HTTP lanes, raw HTTP, stream lanes and
 * dedicated sockets while {@link ValidClients} keep sending, then checked against the store.
 * Everything runs on one Vert.x context of its own; every failure lands in {@link #failures()}.
 */
public final class IngestFuzz {

  /** The seed of the suite's run; {@code -Dfuzz.seed=N} tries another. */
  public static final long DEFAULT_SEED = 20261204L;

  /**
   * A write key source ({@code web}, and {@code mobile}), a Standard Webhooks and a mapped HMAC.
   */
  public static final String SOURCES =
      """
      - id: web
        kind: api
        write_keys:
          - ${WEB_KEY}
      - id: mobile
        kind: api
        write_keys:
          - ${MOBILE_KEY}
      - id: sw
        verify:
          scheme: standard-webhooks
          secrets:
            - ${SW_SECRET}
      - id: acme
        verify:
          scheme: hmac
          secrets: ${ACME_SECRET}
          header: X-Acme-Signature
          encoding: base64
          prefix: "hmac-sha256="
        map:
          type: body.event
          id: body.delivery_id
          userId: /account/id
          timestamp: "has(body.at) ? body.at : null"
      """;

  public static final Map<String, String> ENV =
      Map.of(
          "WEB_KEY", FuzzTemplate.KEY,
          "MOBILE_KEY", "wk_fuzz_mobile_key",
          "SW_SECRET", FuzzSigners.SW_SECRET,
          "ACME_SECRET", FuzzSigners.ACME_SECRET);

  /** A 64 KiB body limit keeps the size cases cheap; a short shutdown bounds a held one. */
  public static final String SHUTDOWN_TIMEOUT = "5s";

  public static final String CONFIG =
      "ingest:\n  max-body-size: 64KiB\nshutdown:\n  timeout: " + SHUTDOWN_TIMEOUT + "\n";

  private static final int HTTP_CASES = 2000;
  private static final int STREAM_CASES = 700;
  private static final int HTTP_LANES = 6;
  private static final int STREAM_LANES = 4;
  private static final int VALID_REQUESTS = 100;
  private static final int VALID_FRAMES = 150;

  private final Vertx vertx;
  private final long seed;
  private final FuzzFailures failures;
  private final List<HttpFuzzCase> http;
  private final List<StreamFuzzCase> laneCases;
  private final List<StreamFuzzCase> dedicated;
  private final List<CodecFuzzCases.CodecCase> codec;
  private final HttpClient client;
  private final WebSocketClient webSockets;
  private final NetClient net;
  private final Set<String> warmIds = new HashSet<>();
  private final Map<String, String> phases = new ConcurrentHashMap<>();
  private final List<Map.Entry<Integer, Promise<Void>>> gates = new ArrayList<>();
  private final long started = System.nanoTime();
  private HttpFuzzRun httpRun;
  private StreamFuzzRun streamRun;
  private ValidClients valid;
  private int httpDone;

  public IngestFuzz(Vertx vertx, long seed) {
    this.vertx = vertx;
    this.seed = seed;
    this.failures = new FuzzFailures(seed);
    Random random = new Random(seed);
    this.http = new HttpFuzzCases(random).generate(0, HTTP_CASES);
    StreamFuzzCases streams = new StreamFuzzCases(random);
    List<StreamFuzzCase> stream = streams.generate(HTTP_CASES, STREAM_CASES);
    this.laneCases = stream.stream().filter(c -> !c.dedicated()).toList();
    List<StreamFuzzCase> own =
        new ArrayList<>(stream.stream().filter(StreamFuzzCase::dedicated).toList());
    own.addAll(StreamScenarios.scenarios(HTTP_CASES + STREAM_CASES));
    this.dedicated = List.copyOf(own);
    this.codec = CodecFuzzCases.cases(HTTP_CASES + STREAM_CASES + 100);
    this.client =
        vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(16));
    // held until close(): Vert.x shuts down a client that is no longer referenced
    this.webSockets = vertx.createWebSocketClient();
    this.net = vertx.createNetClient();
  }

  public FuzzFailures failures() {
    return failures;
  }

  /** Warms the store up with the ids the duplicate cases re-send, then runs every part at once. */
  public Future<Void> run(int port) {
    httpRun = new HttpFuzzRun(vertx, client, net, port, failures);
    streamRun = new StreamFuzzRun(vertx, net, port, failures);
    valid = new ValidClients(vertx, client, webSockets, port, failures, this::gate, http.size());
    Context context = vertx.getOrCreateContext();
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v ->
            warmUp(port)
                .compose(
                    w ->
                        Future.all(
                            timed("http", httpRun.run(http, HTTP_LANES, this::httpCaseDone)),
                            timed("raw", httpRun.runCodec(codec)),
                            timed("stream", streamRun.run(laneCases, dedicated, STREAM_LANES)),
                            timed("valid clients", valid.run(VALID_REQUESTS, VALID_FRAMES))))
                .<Void>mapEmpty()
                .onComplete(done));
    return done.future();
  }

  /** Holds every answer's claim against the events stored once the run is over. */
  public void check(List<JsonObject> stored) {
    List<FuzzClaim> claims = new ArrayList<>(httpRun.claims);
    claims.addAll(streamRun.claims);
    FuzzStorageCheck.check(stored, claims, valid.ids, warmIds, failures);
  }

  /** The gateway could not stop within its shutdown timeout after the run. */
  public void stopFailed(long millis, Throwable cause) {
    failures.add(
        FuzzFailures.Kind.SHUTDOWN_HELD,
        "gateway stop",
        "stopping the gateway after the fuzz failed after "
            + millis
            + " ms (shutdown.timeout "
            + SHUTDOWN_TIMEOUT
            + "): "
            + cause.getMessage());
  }

  public Future<Void> close() {
    return Future.join(client.close(), webSockets.close(), net.close()).mapEmpty();
  }

  public String summary(int stored) {
    return "ingest fuzz, seed "
        + seed
        + ": "
        + http.size()
        + " HTTP cases, "
        + codec.size()
        + " raw HTTP cases, "
        + (laneCases.size() + dedicated.size())
        + " stream cases and scenarios, "
        + (valid == null ? 0 : valid.ids.size())
        + " valid-client events; "
        + stored
        + " events stored; "
        + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)
        + " s in all; phases done after "
        + phases;
  }

  private Future<Void> timed(String phase, Future<Void> running) {
    long start = System.nanoTime();
    return running.onComplete(
        v -> phases.put(phase, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s"));
  }

  /**
   * Completes once {@code threshold} HTTP cases are done: spreads the valid clients over the run.
   */
  private Future<Void> gate(int threshold) {
    if (httpDone >= threshold) {
      return Future.succeededFuture();
    }
    Promise<Void> open = Promise.promise();
    gates.add(Map.entry(threshold, open));
    return open.future();
  }

  private void httpCaseDone() {
    httpDone++;
    gates.removeIf(
        gate -> {
          if (gate.getKey() <= httpDone) {
            gate.getValue().complete();
            return true;
          }
          return false;
        });
  }

  /** Stores the events that the duplicate cases re-send, and fails unless all are taken. */
  private Future<Void> warmUp(int port) {
    JsonArray events = new JsonArray();
    JsonArray cloudEvents = new JsonArray();
    List<Future<HttpFuzzRun.Reply>> replies = new ArrayList<>();
    long now = System.currentTimeMillis() / 1000;
    for (int i = 0; i < HttpFuzzCases.WARM_IDS; i++) {
      String w = HttpFuzzCases.warmId("w", i);
      String ce = HttpFuzzCases.warmId("ce", i);
      String sw = HttpFuzzCases.warmId("sw", i);
      String acme = HttpFuzzCases.warmId("acme", i);
      events.add(new JsonObject().put("type", "fz.warm").put("id", w));
      cloudEvents.add(
          new JsonObject()
              .put("specversion", "1.0")
              .put("id", ce)
              .put("source", FuzzTemplate.CE_SOURCE)
              .put("type", "fz.warm"));
      byte[] hook = new JsonObject().put("type", "fz.warm").encode().getBytes();
      replies.add(
          HttpFuzzRun.send(
              client, port, "/hooks/sw", FuzzSigners.standard(sw).sign(hook, now), hook, false));
      byte[] mapped =
          new JsonObject()
              .put("event", "fz.warm")
              .put("delivery_id", acme)
              .put("account", new JsonObject().put("id", 1))
              .encode()
              .getBytes();
      replies.add(
          HttpFuzzRun.send(
              client, port, "/hooks/acme", FuzzSigners.acme().sign(mapped, now), mapped, false));
      warmIds.addAll(List.of(w, FuzzTemplate.ceId(FuzzTemplate.CE_SOURCE, ce), sw, acme));
    }
    Map.Entry<String, String> key = Map.entry("Authorization", "Bearer " + FuzzTemplate.KEY);
    replies.add(
        HttpFuzzRun.send(
            client,
            port,
            "/v1/events",
            List.of(key, Map.entry("Content-Type", "application/json")),
            new JsonObject().put("batch", events).encode().getBytes(),
            false));
    replies.add(
        HttpFuzzRun.send(
            client,
            port,
            "/v1/cloudevents",
            List.of(key, Map.entry("Content-Type", "application/cloudevents-batch+json")),
            cloudEvents.encode().getBytes(),
            false));
    return Future.all(replies)
        .compose(
            all -> {
              for (Future<HttpFuzzRun.Reply> reply : replies) {
                if (reply.result().status() != 202) {
                  return Future.failedFuture(
                      "warm-up refused: " + HttpFuzzRun.show(reply.result()));
                }
              }
              return Future.succeededFuture();
            });
  }
}
