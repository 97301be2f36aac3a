package dev.tripline.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The table of one bench run, its ratios and the verdict against the targets: durable embedded
 * ingest at least {@link BenchMain#DURABLE_TARGET} of the H2 store's ceiling (the best of its
 * writer counts), and in-memory single-event ingest at least {@link BenchMain#OVERHEAD_TARGET} of
 * the bare server, measured with the in-memory store in its own JVM (as a production MongoDB runs
 * in its own process; in the gateway's JVM the stand-in's data weighs on the gateway's GC). Also
 * shown, without a target: the in-process in-memory run over the bare server and over the in-memory
 * store's own ceiling, that ceiling over the bare server, and the "free-gateway bound": what a
 * gateway costing no CPU could reach next to that store and the load generator on the same cores,
 * over the bare server (how much of the target the stand-in store leaves for the gateway). And the
 * overload runs: the gateway as shipped (its launcher's JVM options) over the same with no JVM
 * options at all, in events/s and in peak resident memory.
 */
final class Report {

  private final Map<String, JsonObject> results;
  private final Map<String, String> failures;
  private final List<Ratio> ratios = new ArrayList<>();
  private final boolean partial;

  /** A ratio; {@code target} null for one shown for information only. */
  record Ratio(String name, String over, Double value, Double target) {
    boolean passed() {
      return target == null || (value != null && value >= target);
    }
  }

  /**
   * @param partial whether only some scenarios ran: ratios that lack a figure are left out rather
   *     than shown as not run
   */
  Report(Map<String, JsonObject> results, Map<String, String> failures, boolean partial) {
    this.results = results;
    this.failures = failures;
    this.partial = partial;
    Double ceiling = ceiling("h2");
    for (String mode : List.of("post", "batch", "ws")) {
      String name = "gateway-h2-" + mode;
      ratios.add(
          new Ratio(name, "h2 ceiling", divide(rate(name), ceiling), BenchMain.DURABLE_TARGET));
    }
    Double memoryPost = rate("gateway-memory-post");
    Double bare = rate("bare-post");
    Double memoryCeiling = ceiling("memory");
    // the target applies where the stand-in runs as a production MongoDB would: in its own process
    ratios.add(
        new Ratio(
            "gateway-memstore-post",
            "bare-post",
            divide(rate("gateway-memstore-post"), bare),
            BenchMain.OVERHEAD_TARGET));
    ratios.add(new Ratio("gateway-memory-post", "bare-post", divide(memoryPost, bare), null));
    ratios.add(
        new Ratio(
            "gateway-memory-post", "memory ceiling", divide(memoryPost, memoryCeiling), null));
    ratios.add(new Ratio("memory ceiling", "bare-post", divide(memoryCeiling, bare), null));
    ratios.add(
        new Ratio("free-gateway bound", "bare-post", divide(freeGatewayBound(), bare), null));
    String shipped = "gateway-overload";
    String unbounded = "gateway-overload-jvm-defaults";
    ratios.add(new Ratio(shipped, "jvm defaults", divide(rate(shipped), rate(unbounded)), null));
    ratios.add(
        new Ratio(
            shipped + " peak RSS",
            "jvm defaults",
            divide(peakRss(shipped), peakRss(unbounded)),
            null));
    if (partial) {
      ratios.removeIf(ratio -> ratio.value() == null);
    }
  }

  /** The server's peak resident memory in a scenario, MiB. */
  private Double peakRss(String name) {
    JsonObject result = results.get(name);
    JsonObject server =
        result == null || result.getJsonObject("memory") == null
            ? null
            : result.getJsonObject("memory").getJsonObject("server");
    return server == null ? null : server.getDouble("peakMiB");
  }

  /**
   * The most events/s any gateway could reach in the stand-in-store run if it cost no CPU at all:
   * the machine's cores divided by the CPU the store and the load generator spent per event.
   */
  private Double freeGatewayBound() {
    JsonObject cpu = cpu("gateway-memstore-post");
    if (cpu == null || !cpu.containsKey("store") || !cpu.containsKey("load")) {
      return null;
    }
    double usPerEvent =
        cpu.getJsonObject("store").getDouble("usPerEvent")
            + cpu.getJsonObject("load").getDouble("usPerEvent");
    return usPerEvent <= 0 ? null : Runtime.getRuntime().availableProcessors() * 1e6 / usPerEvent;
  }

  private JsonObject cpu(String name) {
    JsonObject result = results.get(name);
    return result == null ? null : result.getJsonObject("cpu");
  }

  /** A store's ceiling: its best docs/s over the writer counts measured. */
  Double ceiling(String backend) {
    Double best = null;
    for (Map.Entry<String, JsonObject> entry : results.entrySet()) {
      if (entry.getKey().startsWith("store-ceiling-" + backend + "-w")) {
        double rate = entry.getValue().getLong("eventsPerSec", 0L);
        best = best == null ? rate : Math.max(best, rate);
      }
    }
    return best;
  }

  private Double rate(String name) {
    JsonObject result = results.get(name);
    return result == null ? null : (double) result.getLong("eventsPerSec", 0L);
  }

  private static Double divide(Double a, Double b) {
    return a == null || b == null || b == 0 ? null : a / b;
  }

  String render() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%-29s %10s %10s %9s %9s %8s %8s  %s%n",
            "scenario", "events/s", "req/s", "p50 ms", "p99 ms", "503s", "errors", "load"));
    results.forEach(
        (name, r) ->
            out.append(
                String.format(
                    "%-29s %10d %10d %9.2f %9.2f %8d %8d  %s%n",
                    name,
                    r.getLong("eventsPerSec", 0L),
                    r.getLong("requestsPerSec", 0L),
                    r.getDouble("p50Ms", 0.0),
                    r.getDouble("p99Ms", 0.0),
                    r.getLong("overloaded503", 0L),
                    r.getLong("failures", 0L),
                    shape(r))));
    failures.forEach((name, why) -> out.append(String.format("%-29s not run: %s%n", name, why)));
    out.append('\n');
    out.append(
        String.format(
            "%-29s %10s %10s %10s   (CPU microseconds per event, measured window)%n",
            "cpu", "server", "store", "load"));
    results.forEach(
        (name, r) -> {
          JsonObject cpu = r.getJsonObject("cpu");
          if (cpu != null) {
            out.append(
                String.format(
                    "%-29s %10s %10s %10s%n",
                    name, micros(cpu, "server"), micros(cpu, "store"), micros(cpu, "load")));
          }
        });
    out.append('\n');
    out.append(
        String.format(
            "%-29s %10s %10s %10s   (resident MiB at the end of the measured window; peak)%n",
            "memory", "server", "peak", "store"));
    results.forEach(
        (name, r) -> {
          JsonObject memory = r.getJsonObject("memory");
          if (memory != null) {
            out.append(
                String.format(
                    "%-29s %10s %10s %10s%n",
                    name,
                    mebibytes(memory, "server", "rssMiB"),
                    mebibytes(memory, "server", "peakMiB"),
                    mebibytes(memory, "store", "peakMiB")));
          }
        });
    out.append('\n');
    for (Ratio ratio : ratios) {
      out.append(
          String.format(
              "%-29s / %-14s = %s  %s%n",
              ratio.name(),
              ratio.over(),
              ratio.value() == null ? "  n/a" : String.format("%5.2f", ratio.value()),
              ratio.target() == null
                  ? "(for information)"
                  : String.format(
                      "(target >= %.2f)  %s",
                      ratio.target(),
                      ratio.value() == null ? "NOT RUN" : ratio.passed() ? "PASS" : "FAIL")));
    }
    return out.toString();
  }

  private static String micros(JsonObject cpu, String process) {
    JsonObject part = cpu.getJsonObject(process);
    return part == null ? "-" : String.format("%.1f", part.getDouble("usPerEvent"));
  }

  private static String mebibytes(JsonObject memory, String process, String field) {
    JsonObject part = memory.getJsonObject(process);
    return part == null || part.getValue(field) == null ? "-" : "" + part.getLong(field);
  }

  private static String shape(JsonObject r) {
    if (r.containsKey("writers")) {
      return "bulkWrite "
          + r.getInteger("batch")
          + " docs, "
          + r.getInteger("writers")
          + " writer(s)";
    }
    String mode = r.getString("mode", "");
    String shape =
        mode.equals("ws")
            ? r.getInteger("connections") + " ws x " + r.getInteger("inFlight") + " frames"
            : r.getInteger("connections") + " connections";
    return mode + ", " + r.getInteger("batch") + " event(s)/msg, " + shape;
  }

  JsonObject ratiosJson() {
    JsonObject json = new JsonObject();
    for (Ratio ratio : ratios) {
      json.put(
          ratio.name() + " / " + ratio.over(),
          new JsonObject()
              .put(
                  "value", ratio.value() == null ? null : Math.round(ratio.value() * 1000) / 1000.0)
              .put("target", ratio.target())
              .put("passed", ratio.passed()));
    }
    return json;
  }

  /** 0 when every target is met, 3 when something did not run, otherwise 1. */
  int status() {
    if (!failures.isEmpty()
        || ratios.stream().anyMatch(r -> r.target() != null && r.value() == null)) {
      return 3;
    }
    return ratios.stream().allMatch(Ratio::passed) ? 0 : 1;
  }
}
