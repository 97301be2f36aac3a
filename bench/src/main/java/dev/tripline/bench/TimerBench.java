package dev.tripline.bench;

import dev.tripline.detectors.AbsenceDetector;
import dev.tripline.detectors.Detection;
import dev.tripline.detectors.DetectionEngine;
import dev.tripline.detectors.DetectorLimits;
import dev.tripline.detectors.EngineObserver;
import dev.tripline.gateway.detect.DetectionPipeline;
import dev.tripline.gateway.detect.DetectionStore;
import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
import dev.tripline.rules.RuleLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Absence timers: the heap that pending timers take, and how late due timers fire while the engine
 * is busy with events.
 *
 * <p>{@code heap}: one absence rule, {@code --timers} starts with distinct user ids (11 characters)
 * and 26-character event ids, the way the gateway generates them; heap used after a full GC before
 * and after, per timer and in all, and the cost of a start. The event objects are dropped as they
 * would be after processing: what stays is what a pending timer costs.
 *
 * <p>{@code lateness}: the gateway's own {@link DetectionPipeline} on a Vert.x context, with its
 * timer tick ({@code --tick}), an absence rule ({@code after: 2s}) and a threshold rule, fed {@code
 * --rate} events/s for {@code --seconds} seconds (one in {@code --start-every} opens a timer); the
 * detections are stored nowhere. Lateness = the moment the pipeline hands the detection on minus
 * its due time, p50/p99/max.
 *
 * <p>Usage: {@code TimerBench heap [--timers 1000000]} or {@code TimerBench lateness [--rate 50000]
 * [--seconds 20] [--tick 250ms] [--start-every 10]}; prints one JSON line.
 */
public final class TimerBench {

  private TimerBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length == 0 ? "heap" : args[0];
    Args parsed =
        Args.parse(java.util.Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
    if (mode.equals("heap")) {
      parsed.rejectUnknown(Set.of("timers"));
      System.out.println(heap(parsed.integer("timers", 1_000_000, 1)).encode());
    } else if (mode.equals("lateness")) {
      parsed.rejectUnknown(Set.of("rate", "seconds", "tick", "start-every"));
      System.out.println(
          lateness(
                  parsed.integer("rate", 50_000, 1),
                  parsed.integer("seconds", 20, 1),
                  Duration.ofMillis(parsed.integer("tick", 250, 1)),
                  parsed.integer("start-every", 10, 1))
              .encode());
    } else {
      throw new IllegalArgumentException("mode: must be heap or lateness, was " + mode);
    }
  }

  static final String RULES =
      """
      - id: cart-abandon
        detect:
          absence:
            start: {on: [add_to_cart]}
            cancel: {on: [order_completed]}
            correlate_by: [userId]
            after: 2s
      - id: burst
        on: [page_view]
        detect:
          threshold: {group_by: [userId], count: 1000, within: 60s}
      """;

  private static JsonObject heap(int timers) {
    Rule rule =
        RuleLoader.loadText("bench.yaml", RULES, Set.of()).rule("cart-abandon").orElseThrow();
    AbsenceDetector detector =
        new AbsenceDetector(
            rule,
            InstantSource.system(),
            new DetectorLimits(DetectorLimits.DEFAULT_MAX_KEYS_PER_RULE, timers),
            EngineObserver.NOOP);
    long before = usedAfterGc();
    Instant t0 = Instant.parse("2026-11-23T00:00:00Z");
    long started = System.nanoTime();
    for (int i = 0; i < timers; i++) {
      detector.onEvent(
          event("01JD" + String.format("%022d", i), "add_to_cart", user(i), t0.plusMillis(i)));
    }
    long nanos = System.nanoTime() - started;
    long after = usedAfterGc();
    if (detector.keyCount() != timers) {
      throw new IllegalStateException("expected " + timers + " timers, got " + detector.keyCount());
    }
    return new JsonObject()
        .put("tool", "timers-heap")
        .put("timers", timers)
        .put("heapMiB", Math.round((after - before) / 1048576.0 * 10) / 10.0)
        .put("bytesPerTimer", (after - before) / timers)
        .put("nsPerStart", nanos / timers)
        .put("maxHeapMiB", Runtime.getRuntime().maxMemory() / 1048576);
  }

  private static JsonObject lateness(int rate, int seconds, Duration tick, int startEvery)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    InstantSource clock = InstantSource.system();
    List<Rule> rules = RuleLoader.loadText("bench.yaml", RULES, Set.of()).rules();
    DetectionEngine engine =
        new DetectionEngine(rules, clock, DetectorLimits.defaults(), EngineObserver.NOOP);
    ConcurrentLinkedQueue<Long> lateMillis = new ConcurrentLinkedQueue<>();
    DetectionStore nowhere =
        new DetectionStore() {
          @Override
          public Future<Void> createIndexes() {
            return Future.succeededFuture();
          }

          @Override
          public Future<Boolean> insert(Detection detection) {
            return Future.succeededFuture(true);
          }
        };
    CompletableFuture<DetectionPipeline> created = new CompletableFuture<>();
    vertx.runOnContext(
        v ->
            created.complete(
                new DetectionPipeline(
                    vertx,
                    engine,
                    nowhere,
                    d -> Future.succeededFuture(),
                    d -> {
                      if (d.ruleId().equals("cart-abandon")) {
                        lateMillis.add(Duration.between(d.windowEnd(), clock.instant()).toMillis());
                      }
                    },
                    1_000_000,
                    clock,
                    tick)));
    DetectionPipeline pipeline = created.get(10, TimeUnit.SECONDS);
    pipeline.start();
    int batch = 500;
    long intervalNanos = 1_000_000_000L * batch / rate;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long next = System.nanoTime();
    int n = 0;
    while (System.nanoTime() < end) {
      List<Event> events = new ArrayList<>(batch);
      Instant now = clock.instant();
      for (int i = 0; i < batch; i++, n++) {
        // each start opens a timer of its own; the page views load a threshold rule
        events.add(
            n % startEvery == 0
                ? event("e" + n, "add_to_cart", "cart-" + n, now)
                : event("e" + n, "page_view", user(n % 100_000), now));
      }
      pipeline.submit(events);
      next += intervalNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    // let the last timers come due and fire
    TimeUnit.SECONDS.sleep(3);
    pipeline.stop();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    List<Long> sorted = new ArrayList<>(lateMillis);
    sorted.sort(null);
    return new JsonObject()
        .put("tool", "timers-lateness")
        .put("eventsPerSec", rate)
        .put("seconds", seconds)
        .put("tickMs", tick.toMillis())
        .put("fired", sorted.size())
        .put("p50Ms", percentile(sorted, 0.50))
        .put("p99Ms", percentile(sorted, 0.99))
        .put("maxMs", sorted.isEmpty() ? null : sorted.get(sorted.size() - 1));
  }

  private static Long percentile(List<Long> sorted, double p) {
    return sorted.isEmpty()
        ? null
        : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
  }

  private static String user(int i) {
    return String.format("user-%06d", i);
  }

  private static Event event(String id, String type, String user, Instant at) {
    return new Event(id, "bench", type, at, user, null, null, null, Map.of(), Map.of(), at);
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
