package dev.tripline.bench;

import dev.tripline.detectors.DetectionEngine;
import dev.tripline.detectors.DetectorLimits;
import dev.tripline.detectors.EngineObserver;
import dev.tripline.rules.Event;
import dev.tripline.rules.RuleLoader;
import dev.tripline.rules.RuleSet;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The detection engine's cost per event with 10, 100 and 1000 rules, single-threaded, no I/O: the
 * harness behind "1000 rules cost little more than 10".
 *
 * <p>Each rule names one event type in {@code on:}, two rules per type, as real rule sets spread
 * over many types; every event therefore meets two rules whatever the total, and an engine that
 * routes by type should cost about the same per event with 10 rules as with 1000. Every other rule
 * carries a CEL {@code where}; a quarter are velocity rules, the rest threshold rules grouped by
 * user with counts high enough that few fire. Events: the rules' types, 50,000 users, with geo.
 * Each rule count gets a fresh engine, a warm-up and a measured run of the same events; the result
 * is wall-clock nanoseconds per event on one thread, also over the 10-rule figure.
 *
 * <p>Usage: {@code RuleEngineBench [--rules 10,100,1000] [--events 500000] [--warmup 300000]};
 * prints one JSON line per rule count.
 */
public final class RuleEngineBench {

  static final int RULES_PER_TYPE = 2;

  private RuleEngineBench() {}

  public static void main(String[] args) {
    Args parsed = Args.parse(args);
    parsed.rejectUnknown(Set.of("rules", "events", "warmup"));
    List<Integer> counts = parsed.integers("rules", "10,100,1000", 0);
    int events = parsed.integer("events", 500_000, 1);
    int warmup = parsed.integer("warmup", 300_000, 0);
    Double first = null;
    for (int count : counts) {
      List<Event> stream = events(200_000, Math.max(1, count / RULES_PER_TYPE));
      double nanos = nanosPerEvent(count, stream, events, warmup);
      first = first == null ? nanos : first;
      System.out.println(result(count, nanos, first).encode());
    }
  }

  private static JsonObject result(int rules, double nanos, double baseline) {
    return new JsonObject()
        .put("tool", "rule-engine")
        .put("rules", rules)
        .put("nsPerEvent", Math.round(nanos * 10) / 10.0)
        .put("eventsPerSec", Math.round(1e9 / nanos))
        .put("overFirst", Math.round(nanos / baseline * 100) / 100.0);
  }

  private static double nanosPerEvent(int rules, List<Event> stream, int events, int warmup) {
    RuleSet set = RuleLoader.loadText("bench.yaml", rules(rules), Set.of());
    DetectionEngine engine =
        new DetectionEngine(
            set.rules(), InstantSource.system(), DetectorLimits.defaults(), EngineObserver.NOOP);
    long detections = run(engine, stream, warmup);
    long start = System.nanoTime();
    detections += run(engine, stream, events);
    long elapsed = System.nanoTime() - start;
    if (detections < 0) {
      System.err.println("unreachable"); // keeps the work observable
    }
    return (double) elapsed / events;
  }

  private static long run(DetectionEngine engine, List<Event> stream, int events) {
    long detections = 0;
    for (int i = 0; i < events; i++) {
      detections += engine.process(stream.get(i % stream.size())).size();
    }
    return detections;
  }

  /** {@code count} rules, {@value #RULES_PER_TYPE} per type, every other one with a condition. */
  static String rules(int count) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < count; i++) {
      yaml.append("- id: rule-").append(i).append('\n');
      yaml.append("  on: [type-").append(i / RULES_PER_TYPE).append("]\n");
      if (i % 2 == 0) {
        yaml.append("  where: \"event.properties.plan == 'free' && event.properties.price > ")
            .append(i % 7)
            .append("\"\n");
      }
      if (i % 4 == 1) {
        yaml.append("  detect: {velocity: {group_by: [userId], max_speed_kmh: 900}}\n");
      } else {
        yaml.append("  detect: {threshold: {group_by: [userId], count: ")
            .append(50 + i % 50)
            .append(", within: 60s}}\n");
      }
    }
    return yaml.toString();
  }

  /** Events over the rules' types, 50,000 users, 20 ms apart in event time. */
  static List<Event> events(int count, int types) {
    SplittableRandom random = new SplittableRandom(7);
    Instant t0 = Instant.parse("2026-11-21T00:00:00Z");
    List<Event> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Instant at = t0.plusMillis(i * 20L);
      events.add(
          new Event(
              "evt-" + i,
              "bench",
              "type-" + random.nextInt(types),
              at,
              "user-" + random.nextInt(50_000),
              null,
              "203.0.113." + random.nextInt(256),
              new Event.Geo(40 + random.nextDouble(), 2 + random.nextDouble(), 20.0),
              Map.of(
                  "plan", random.nextBoolean() ? "free" : "pro", "price", random.nextInt(20) * 1.0),
              Map.of(),
              at));
    }
    return events;
  }
}
