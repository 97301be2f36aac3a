package dev.tripline.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The knobs of a run; defaults keep the whole run near six minutes on two cores. The warmups are
 * long on purpose: on two cores the JIT compiler keeps a core busy for the first 30-40 s of load
 * (seen with {@code -XX:+PrintCompilation} and per-thread CPU), so a short warmup measures the
 * compiler, not the steady state a gateway runs in.
 */
record BenchOptions(
    Path gatewayJar,
    String classpath,
    Path resultsFile,
    Duration warmup,
    Duration duration,
    Duration ceilingWarmup,
    Duration ceilingDuration,
    int postConnections,
    int durablePostConnections,
    int batchConnections,
    int batchSize,
    int wsConnections,
    int wsInFlight,
    int loadThreads,
    List<String> serverJvm,
    List<String> loadJvm,
    boolean profile,
    Path launcher,
    int overloadConnections,
    int overloadBatchSize,
    List<String> scenarios) {

  static BenchOptions from(Args args) {
    args.rejectUnknown(
        Set.of(
            "gateway-jar",
            "classpath",
            "results",
            "warmup",
            "duration",
            "ceiling-warmup",
            "ceiling-duration",
            "post-connections",
            "durable-post-connections",
            "batch-connections",
            "batch-size",
            "ws-connections",
            "ws-in-flight",
            "load-threads",
            "server-jvm",
            "load-jvm",
            "profile",
            "launcher",
            "overload-connections",
            "overload-batch-size",
            "scenarios"));
    int post = args.integer("post-connections", 128, 1);
    return new BenchOptions(
        Path.of(args.string("gateway-jar", "gateway/target/tripline.jar")),
        args.string("classpath", System.getProperty("java.class.path")),
        Path.of(args.string("results", "bench/target/bench-results.json")),
        args.duration("warmup", "40s"),
        args.duration("duration", "15s"),
        args.duration("ceiling-warmup", "15s"),
        args.duration("ceiling-duration", "10s"),
        post,
        args.integer("durable-post-connections", post, 1),
        args.integer("batch-connections", 16, 1),
        args.integer("batch-size", 100, 1),
        args.integer("ws-connections", 32, 1),
        args.integer("ws-in-flight", 16, 1),
        args.integer("load-threads", 2, 1),
        words(args.string("server-jvm", "-Xms1g -Xmx3g")),
        words(args.string("load-jvm", "-Xms256m -Xmx1g")),
        Boolean.parseBoolean(args.string("profile", "false")),
        Path.of(args.string("launcher", "gateway/bin/tripline")),
        args.integer("overload-connections", 64, 1),
        args.integer("overload-batch-size", 500, 1),
        Arrays.stream(args.string("scenarios", "").split(","))
            .map(String::trim)
            .filter(name -> !name.isEmpty())
            .toList());
  }

  /** Whether a scenario is to run: every one, or the ones named. */
  boolean wants(String scenario) {
    return scenarios.isEmpty() || scenarios.contains(scenario);
  }

  private static List<String> words(String text) {
    return text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
  }
}
