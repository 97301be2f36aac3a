package dev.tripline.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * A closed loop of HTTP POSTs on one event loop: each of its connections sends a request, waits for
 * the answer, then sends the next. A 503 is counted and the same body re-sent after a short
 * backoff, so refused events are never counted as ingested and latency includes the wait.
 */
final class HttpLoadWorker extends VerticleBase {

  private final LoadOptions options;
  private final EventBodies bodies;
  private final Window window;
  private final int connections;
  private final long firstEvent;
  private final Stats stats = new Stats();
  private final Promise<Stats> done = Promise.promise();
  private HttpClientAgent client;
  private int running;
  private long nextEvent;

  HttpLoadWorker(
      LoadOptions options, EventBodies bodies, Window window, int connections, long firstEvent) {
    this.options = options;
    this.bodies = bodies;
    this.window = window;
    this.connections = connections;
    this.firstEvent = firstEvent;
  }

  /** Completes with this worker's figures once all its loops have stopped. */
  Future<Stats> done() {
    return done.future();
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost(options.host())
                .setDefaultPort(options.port())
                .setKeepAlive(true)
                .setPipelining(false),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    nextEvent = firstEvent;
    running = connections;
    for (int i = 0; i < connections; i++) {
      next();
    }
    return Future.succeededFuture();
  }

  private void next() {
    if (window.over(System.nanoTime())) {
      if (--running == 0) {
        client.close().onComplete(ignored -> done.complete(stats));
      }
      return;
    }
    Buffer body = bodies.body(nextEvent, options.batchSize());
    nextEvent += options.batchSize();
    send(body, System.nanoTime());
  }

  private void send(Buffer body, long firstSent) {
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setURI("/v1/events")
            .setTimeout(options.timeout().toMillis())
            .putHeader("content-type", "application/json");
    client
        .request(request)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(answer -> new Answer(resp.statusCode(), answer)))
        .onComplete(
            result -> {
              long now = System.nanoTime();
              if (result.failed()) {
                if (window.counts(now)) {
                  stats.failure(kind(result.cause()));
                }
                vertx.setTimer(options.backoff().toMillis(), t -> next());
                return;
              }
              Answer answer = result.result();
              if (answer.status() == 503) {
                if (window.counts(now)) {
                  stats.overloaded();
                }
                if (window.over(now)) {
                  next();
                } else {
                  vertx.setTimer(options.backoff().toMillis(), t -> send(body, firstSent));
                }
                return;
              }
              if (answer.status() / 100 == 2) {
                if (window.counts(now)) {
                  JsonObject json = answer.json();
                  stats.success(
                      options.batchSize(),
                      json.getInteger("accepted", 0),
                      json.getInteger("duplicates", 0),
                      now - firstSent);
                }
              } else if (window.counts(now)) {
                stats.failure(String.valueOf(answer.status()));
              }
              next();
            });
  }

  static String kind(Throwable failure) {
    String name = failure.getClass().getSimpleName();
    return name.isEmpty() ? "error" : name;
  }

  private record Answer(int status, Buffer body) {
    JsonObject json() {
      try {
        return body.toJsonObject();
      } catch (RuntimeException e) {
        return new JsonObject();
      }
    }
  }
}
