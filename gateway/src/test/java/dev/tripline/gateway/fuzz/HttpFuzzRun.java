package dev.tripline.gateway.fuzz;

import dev.tripline.gateway.fuzz.FuzzClaim.Outcome;
import dev.tripline.gateway.fuzz.FuzzFailures.Kind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Sends the HTTP fuzz cases over a few concurrent lanes and judges each answer: never a 5xx except
 * 503 with {@code Retry-After}, every error a JSON object with a string {@code error}, a 2xx only
 * for valid input and a 4xx only for invalid input. What each answer claims about the store is kept
 * for {@link FuzzStorageCheck}. Runs on one Vert.x context.
 */
final class HttpFuzzRun {

  static final long TIMEOUT_MS = 30_000;
  static final long RAW_TIMEOUT_MS = 15_000;

  /** An HTTP answer. */
  record Reply(int status, String retryAfter, byte[] body) {}

  private final Vertx vertx;
  private final HttpClient client;
  private final NetClient net;
  private final int port;
  private final FuzzFailures failures;
  final List<FuzzClaim> claims = new ArrayList<>();
  private int next;

  HttpFuzzRun(Vertx vertx, HttpClient client, NetClient net, int port, FuzzFailures failures) {
    this.vertx = vertx;
    this.client = client;
    this.net = net;
    this.port = port;
    this.failures = failures;
  }

  /** Runs every case, {@code lanes} at a time; {@code onDone} after each. */
  Future<Void> run(List<HttpFuzzCase> cases, int lanes, Runnable onDone) {
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      all.add(lane(cases, onDone));
    }
    return Future.all(all).mapEmpty();
  }

  private Future<Void> lane(List<HttpFuzzCase> cases, Runnable onDone) {
    if (next >= cases.size()) {
      return Future.succeededFuture();
    }
    HttpFuzzCase c = cases.get(next++);
    return execute(c)
        .transform(
            done -> {
              onDone.run();
              return lane(cases, onDone);
            });
  }

  private Future<Void> execute(HttpFuzzCase c) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(c.headers());
    if (c.signer() != null) {
      headers.addAll(c.signer().sign(c.body(), System.currentTimeMillis() / 1000));
    }
    String group = c.route() + " / " + c.category();
    return send(client, port, c.path(), headers, c.body(), c.chunked())
        .transform(
            done -> {
              if (done.failed()) {
                failures.add(Kind.NO_RESPONSE, group, c.describe() + " -> " + done.cause());
                claims.add(claim(c, group, Outcome.UNKNOWN, null));
                return Future.succeededFuture();
              }
              Reply reply = done.result();
              Outcome outcome = judge(group, c.describe(), c.expect(), reply);
              claims.add(claim(c, group, outcome, reply));
              return Future.succeededFuture();
            });
  }

  private static FuzzClaim claim(HttpFuzzCase c, String group, Outcome outcome, Reply reply) {
    int accepted = -1;
    int duplicates = -1;
    if (outcome == Outcome.ACKNOWLEDGED && c.counts()) {
      JsonObject body = json(reply.body());
      if (body != null
          && body.getValue("accepted") instanceof Number a
          && body.getValue("duplicates") instanceof Number d) {
        accepted = a.intValue();
        duplicates = d.intValue();
      }
    }
    return new FuzzClaim(
        group,
        c.describe(),
        outcome,
        accepted,
        duplicates,
        c.fresh(),
        c.duplicates(),
        c.untraced(),
        c.probeId(),
        c.probe());
  }

  /** Judges one answer against the verdict; returns what it says about the store. */
  Outcome judge(String group, String describe, FuzzExpect expect, Reply reply) {
    String detail = describe + " -> " + show(reply);
    int status = reply.status();
    if (status >= 500) {
      if (status == 503 && reply.retryAfter() != null) {
        failures.add(
            expect == FuzzExpect.INVALID ? Kind.POISON_503 : Kind.COLLATERAL_503, group, detail);
      } else {
        failures.add(Kind.SERVER_ERROR, group, detail);
      }
      requireJsonError(group, detail, reply);
      return Outcome.UNKNOWN;
    }
    if (status >= 400) {
      requireJsonError(group, detail, reply);
      if (expect == FuzzExpect.VALID) {
        failures.add(Kind.REFUSED_VALID, group, detail);
      }
      return Outcome.REFUSED;
    }
    if (status >= 200 && status < 300) {
      if (expect == FuzzExpect.INVALID) {
        failures.add(Kind.ACCEPTED_INVALID, group, detail);
      }
      return Outcome.ACKNOWLEDGED;
    }
    failures.add(Kind.SERVER_ERROR, group, detail + " (unexpected status class)");
    return Outcome.UNKNOWN;
  }

  private void requireJsonError(String group, String detail, Reply reply) {
    JsonObject body = json(reply.body());
    if (body == null || !(body.getValue("error") instanceof String)) {
      failures.add(Kind.ERROR_BODY_NOT_JSON, group, detail);
    }
  }

  /** Sends the raw codec cases, all at once, each on a connection of its own. */
  Future<Void> runCodec(List<CodecFuzzCases.CodecCase> cases) {
    List<Future<Void>> all = new ArrayList<>();
    for (CodecFuzzCases.CodecCase c : cases) {
      String group = "raw HTTP / " + c.input();
      all.add(
          RawHttp.exchange(vertx, net, port, c.request(), RAW_TIMEOUT_MS)
              .transform(
                  done -> {
                    Outcome outcome = Outcome.UNKNOWN;
                    if (done.failed()) {
                      failures.add(
                          Kind.NO_RESPONSE,
                          group,
                          c.describe() + " -> " + done.cause().getMessage());
                    } else if (done.result().status() < 0 && c.droppable()) {
                      outcome = Outcome.REFUSED;
                    } else if (done.result().status() < 0) {
                      failures.add(
                          Kind.NO_RESPONSE,
                          group,
                          c.describe() + " -> connection closed without a response");
                    } else {
                      RawHttp.Response r = done.result();
                      outcome =
                          judge(
                              group,
                              c.describe(),
                              c.expect(),
                              new Reply(r.status(), r.header("retry-after"), r.body()));
                    }
                    claims.add(
                        new FuzzClaim(
                            group,
                            c.describe(),
                            outcome,
                            -1,
                            -1,
                            c.fresh(),
                            0,
                            0,
                            null,
                            FuzzDraft.NO_PROBE));
                    return Future.succeededFuture();
                  }));
    }
    return Future.all(all).mapEmpty();
  }

  /** One POST; the answer's status, Retry-After and body. */
  static Future<Reply> send(
      HttpClient client,
      int port,
      String path,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      boolean chunked) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(path)
            .setIdleTimeout(TIMEOUT_MS);
    headers.forEach(h -> options.addHeader(h.getKey(), h.getValue()));
    return client
        .request(options)
        .compose(
            request -> {
              Future<HttpClientResponse> response = request.response();
              if (chunked) {
                request.setChunked(true);
                int half = body.length / 2;
                request.write(Buffer.buffer(Arrays.copyOf(body, half)));
                request.end(Buffer.buffer(Arrays.copyOfRange(body, half, body.length)));
              } else {
                request.end(Buffer.buffer(body));
              }
              return response;
            })
        .compose(
            response ->
                response
                    .body()
                    .map(
                        b ->
                            new Reply(
                                response.statusCode(),
                                response.getHeader("Retry-After"),
                                b.getBytes())));
  }

  static JsonObject json(byte[] body) {
    try {
      Object value = io.vertx.core.json.Json.decodeValue(Buffer.buffer(body));
      return value instanceof JsonObject object ? object : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  static String show(Reply reply) {
    return "status "
        + reply.status()
        + (reply.retryAfter() == null ? "" : " (Retry-After " + reply.retryAfter() + ")")
        + ", body: "
        + (reply.body().length == 0 ? "<empty>" : FuzzJson.snippet(reply.body(), 200));
  }
}
