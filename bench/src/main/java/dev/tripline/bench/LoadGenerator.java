package dev.tripline.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives closed-loop load at an ingest endpoint and prints one JSON line of results.
 *
 * <p>Runs in its own JVM so that it shares neither heap nor GC pauses with the server. Usage:
 *
 * <pre>
 * LoadGenerator --port N [--mode post|batch|ws] [--connections 64] [--in-flight 8] [--batch 100]
 *               [--threads 2] [--warmup 5s] [--duration 15s] [--backoff 10ms] [--timeout 10s]
 * </pre>
 *
 * Prints {@code measure: start} and {@code measure: end} when the measured window opens and closes
 * (so that the bench can read the processes' CPU time over the same window), then the result line.
 * Exit status 0 with the result line, 2 for bad options, 1 if the run could not finish.
 */
public final class LoadGenerator {

  private LoadGenerator() {}

  public static void main(String[] args) {
    LoadOptions options;
    try {
      options = LoadOptions.from(Args.parse(args));
      if (options.port() == 0) {
        throw new IllegalArgumentException("--port: required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("load generator: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.threads()));
    int status = 1;
    try {
      JsonObject result = run(vertx, options);
      System.out.println(result.encode());
      status = 0;
    } catch (Exception e) {
      System.err.println("load generator: run failed: " + e);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS);
    }
    System.exit(status);
  }

  private static void announce(Vertx vertx, long atNanos, String line) {
    long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(atNanos - System.nanoTime()));
    vertx.setTimer(delayMs, id -> System.out.println(line));
  }

  static JsonObject run(Vertx vertx, LoadOptions options) throws Exception {
    EventBodies bodies = EventBodies.pool(4096, 42);
    Window window = Window.after(options.warmup(), options.duration());
    int threads = Math.min(options.threads(), options.connections());
    announce(vertx, window.startNanos(), "measure: start");
    announce(vertx, window.endNanos(), "measure: end");
    List<Future<Stats>> finished = new ArrayList<>();
    List<Future<String>> deployed = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      // spread connections evenly; each worker starts elsewhere in the pool
      int connections =
          options.connections() / threads + (t < options.connections() % threads ? 1 : 0);
      long firstEvent = t * 1_000_003L;
      if (options.mode().equals("ws")) {
        WebSocketLoadWorker worker =
            new WebSocketLoadWorker(options, bodies, window, connections, firstEvent);
        finished.add(worker.done());
        deployed.add(vertx.deployVerticle(worker, new DeploymentOptions()));
      } else {
        HttpLoadWorker worker =
            new HttpLoadWorker(options, bodies, window, connections, firstEvent);
        finished.add(worker.done());
        deployed.add(vertx.deployVerticle(worker, new DeploymentOptions()));
      }
    }
    long limitMs =
        options.warmup().plus(options.duration()).plus(options.timeout()).toMillis() + 10_000;
    Future.all(deployed).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
    List<Stats> parts = new ArrayList<>();
    for (Future<Stats> part : finished) {
      long left = Math.max(0, deadline - System.nanoTime());
      parts.add(part.toCompletionStage().toCompletableFuture().get(left, TimeUnit.NANOSECONDS));
    }
    return new JsonObject()
        .put("mode", options.mode())
        .put("batch", options.batchSize())
        .put("connections", options.connections())
        .put("inFlight", options.mode().equals("ws") ? options.inFlight() : 1)
        .put("threads", threads)
        .put("seconds", window.seconds())
        .mergeIn(Stats.merge(parts).toJson(window.seconds()));
  }
}
