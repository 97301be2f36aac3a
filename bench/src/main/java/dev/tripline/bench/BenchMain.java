package dev.tripline.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs the whole ingest benchmark on this machine in one go and prints the table, the ratios and
 * pass/fail against the targets. Every server and tool runs in its own JVM, listens on port 0 on
 * loopback, gets a fresh temporary data directory and is stopped after its scenario.
 *
 * <p>Scenarios, in order: the embedded H2 and in-memory stores' ceilings (1 and 2 writers); the
 * bare server with single-event POSTs; the gateway on the durable H2 backend with single-event
 * POSTs, 100-event batch POSTs and WebSocket frames; the gateway on the in-memory backend with
 * single-event POSTs, first with the store in the gateway's JVM, then with the store in a JVM of
 * its own ({@link StandInStore}). Each load scenario also records the CPU time every process used
 * in the measured window.
 *
 * <p>Exit status: 0 when every target is met, 1 when one is missed, 3 when a scenario could not run
 * (e.g. no gateway jar), 2 for bad options. Options: see {@link Options#from}.
 */
public final class BenchMain {

  static final double DURABLE_TARGET = 0.8;
  static final double OVERHEAD_TARGET = 0.35;

  private static final Pattern BARE_READY = Pattern.compile("listening on port (\\d+)");
  private static final Pattern MEASURE_START = Pattern.compile("^measure: (start)$");
  private static final Pattern MEASURE_END = Pattern.compile("^measure: (end)$");
  private static final Pattern GATEWAY_READY =
      Pattern.compile("started tripline \\[http port: (\\d+)");

  private final Options options;
  private final Path work;
  private final Map<String, JsonObject> results = new LinkedHashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();

  private BenchMain(Options options, Path work) {
    this.options = options;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.from(Args.parse(args));
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path work = Files.createTempDirectory("tripline-bench-");
    BenchMain bench = new BenchMain(options, work);
    int status = bench.run();
    System.exit(status);
  }

  /**
   * The knobs of a run; defaults keep the whole run near six minutes on two cores. The warmups are
   * long on purpose: on two cores the JIT compiler keeps a core busy for the first 30-40 s of load
   * (seen with {@code -XX:+PrintCompilation} and per-thread CPU), so a short warmup measures the
   * compiler, not the steady state a gateway runs in.
   */
  record Options(
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
      boolean profile) {

    static Options from(Args args) {
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
              "profile"));
      int post = args.integer("post-connections", 128, 1);
      return new Options(
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
          Boolean.parseBoolean(args.string("profile", "false")));
    }

    private static List<String> words(String text) {
      return text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }
  }

  private int run() throws InterruptedException, IOException {
    System.out.printf(
        "tripline bench [cores: %d, warmup: %s, measured: %s, work dir: %s]%n",
        Runtime.getRuntime().availableProcessors(), options.warmup(), options.duration(), work);
    ceiling("h2");
    ceiling("memory");
    serverScenario("bare-post", "bare", bareCommand(), BARE_READY, load("post", postConnections()));
    boolean gateway = Files.isRegularFile(options.gatewayJar());
    if (!gateway) {
      String why = "no gateway jar at " + options.gatewayJar().toAbsolutePath();
      for (String name : List.of("gateway-h2-post", "gateway-h2-batch", "gateway-h2-ws")) {
        failures.put(name, why);
      }
      failures.put("gateway-memory-post", why);
      failures.put("gateway-memstore-post", why);
    } else {
      serverScenario(
          "gateway-h2-post",
          "gateway",
          gatewayCommand("h2", "gateway-h2-post"),
          GATEWAY_READY,
          load("post", options.durablePostConnections()));
      serverScenario(
          "gateway-h2-batch",
          "gateway",
          gatewayCommand("h2", "gateway-h2-batch"),
          GATEWAY_READY,
          load("batch", options.batchConnections(), "--batch", "" + options.batchSize()));
      serverScenario(
          "gateway-h2-ws",
          "gateway",
          gatewayCommand("h2", "gateway-h2-ws"),
          GATEWAY_READY,
          load(
              "ws",
              options.wsConnections(),
              "--in-flight",
              "" + options.wsInFlight(),
              "--batch",
              "1"));
      serverScenario(
          "gateway-memory-post",
          "gateway",
          gatewayCommand("memory", "gateway-memory-post"),
          GATEWAY_READY,
          load("post", postConnections()));
      serverScenario(
          "gateway-memstore-post",
          "gateway",
          storeUri -> gatewayCommand(storeUri, "gateway-memstore-post"),
          true,
          GATEWAY_READY,
          load("post", postConnections()));
    }
    Report report = new Report(results, failures);
    System.out.println();
    System.out.print(report.render());
    write(report);
    return report.status();
  }

  private int postConnections() {
    return options.postConnections();
  }

  /** The store alone, no HTTP: with 1 and 2 writers (the gateway's default write concurrency). */
  private void ceiling(String backend) throws InterruptedException {
    String name = "store-ceiling-" + backend;
    System.out.println("run " + name + " ...");
    List<String> command = java(options.serverJvm());
    command.addAll(
        List.of(
            "-cp",
            options.classpath(),
            StoreCeiling.class.getName(),
            "--backend",
            backend,
            "--data-dir",
            work.resolve(name).toString(),
            "--writers",
            "1,2",
            "--warmup",
            options.ceilingWarmup().toMillis() + "ms",
            "--duration",
            options.ceilingDuration().toMillis() + "ms"));
    try (ChildProcess tool = ChildProcess.start(name, command, Map.of(), logs())) {
      Duration limit =
          options.ceilingWarmup().plus(options.ceilingDuration()).multipliedBy(2).plusSeconds(90);
      for (String line : tool.awaitExit(limit)) {
        JsonObject json = new JsonObject(line);
        results.put(name + "-w" + json.getInteger("writers"), json);
      }
    } catch (IOException | RuntimeException e) {
      failures.put(name, e.getMessage());
    } finally {
      deleteData(work.resolve(name));
    }
  }

  private void serverScenario(
      String name, String kind, List<String> server, Pattern ready, List<String> loadArgs)
      throws InterruptedException {
    serverScenario(name, kind, storeUri -> server, false, ready, loadArgs);
  }

  /**
   * Runs one server (after the stand-in store, if asked: the server command then gets its URI) and
   * the load generator against it; records the load's result and every process's CPU time over the
   * measured window.
   */
  private void serverScenario(
      String name,
      String kind,
      ServerCommand server,
      boolean standInStore,
      Pattern ready,
      List<String> loadArgs)
      throws InterruptedException {
    System.out.println("run " + name + " ...");
    try (ChildProcess store =
        standInStore
            ? ChildProcess.start(name + "-store", standInCommand(), Map.of(), logs())
            : null) {
      String storeUri =
          store == null
              ? null
              : "mongodb://127.0.0.1:" + store.awaitLine(BARE_READY, Duration.ofSeconds(60));
      try (ChildProcess process =
          ChildProcess.start(name + "-server", server.command(storeUri), Map.of(), logs())) {
        int port = Integer.parseInt(process.awaitLine(ready, Duration.ofSeconds(90)));
        List<String> command = java(options.loadJvm());
        command.addAll(List.of("-cp", options.classpath(), LoadGenerator.class.getName()));
        command.addAll(List.of("--port", "" + port));
        command.addAll(loadArgs);
        try (ChildProcess load = ChildProcess.start(name + "-load", command, Map.of(), logs())) {
          Map<String, Long> pids = new LinkedHashMap<>();
          pids.put("server", process.pid());
          if (store != null) {
            pids.put("store", store.pid());
          }
          pids.put("load", load.pid());
          load.awaitLine(MEASURE_START, options.warmup().plusSeconds(60));
          Map<String, Duration> before = CpuTime.of(pids);
          load.awaitLine(MEASURE_END, options.duration().plusSeconds(60));
          Map<String, Duration> after = CpuTime.of(pids);
          Duration limit = options.duration().plusSeconds(60);
          List<String> lines = load.awaitExit(limit);
          if (lines.isEmpty()) {
            throw new IllegalStateException(name + "-load: printed no result");
          }
          JsonObject result = new JsonObject(lines.get(lines.size() - 1)).put("server", kind);
          results.put(name, result.put("cpu", CpuTime.perEvent(before, after, result)));
        }
      }
    } catch (IOException | RuntimeException e) {
      failures.put(name, e.getMessage());
    } finally {
      deleteData(work.resolve(name));
    }
  }

  /** The command line of a scenario's server, given the stand-in store's URI (or null). */
  @FunctionalInterface
  private interface ServerCommand {
    List<String> command(String storeUri) throws IOException;
  }

  /**
   * Data dirs of finished scenarios go at once (an H2 file can reach hundreds of MB); logs stay.
   */
  private static void deleteData(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("bench: cannot delete " + dir + ": " + e.getMessage());
    }
  }

  private List<String> load(String mode, int connections, String... extra) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--mode",
            mode,
            "--connections",
            "" + connections,
            "--threads",
            "" + options.loadThreads(),
            "--warmup",
            options.warmup().toMillis() + "ms",
            "--duration",
            options.duration().toMillis() + "ms"));
    args.addAll(List.of(extra));
    return args;
  }

  private List<String> bareCommand() {
    List<String> command = java(options.serverJvm());
    command.addAll(List.of("-cp", options.classpath(), BareServer.class.getName(), "--port", "0"));
    return command;
  }

  private List<String> standInCommand() {
    List<String> command = java(options.serverJvm());
    command.addAll(
        List.of("-cp", options.classpath(), StandInStore.class.getName(), "--port", "0"));
    return command;
  }

  /**
   * The gateway with the embedded store on {@code backend} ("h2" or "memory"), or, given a {@code
   * mongodb://} URI, with that store and nothing embedded.
   */
  private List<String> gatewayCommand(String store, String name) throws IOException {
    Path dir = Files.createDirectories(work.resolve(name));
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Path config = dir.resolve("tripline.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "http: {host: 127.0.0.1, port: 0, instances: 0}",
            store.startsWith("mongodb://")
                ? "mongo: {uri: \"" + store + "\"}"
                : "mongo: {embedded: {port: 0, data-dir: "
                    + dir.resolve("data")
                    + ", backend: "
                    + store
                    + "}}",
            "rules: {dir: " + rules + "}",
            "destinations: {file: " + dir.resolve("no-destinations.yaml") + "}",
            ""));
    List<String> command = java(options.serverJvm());
    if (options.profile()) {
      command.add(
          "-XX:StartFlightRecording=filename="
              + logs().resolve(name + ".jfr")
              + ",settings=profile");
    }
    command.addAll(List.of("-jar", options.gatewayJar().toString(), "--config", config.toString()));
    return command;
  }

  private static List<String> java(List<String> jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    return command;
  }

  private Path logs() {
    return work.resolve("logs");
  }

  private void write(Report report) throws IOException {
    JsonObject all = new JsonObject();
    results.forEach(all::put);
    JsonArray failed = new JsonArray();
    failures.forEach((name, why) -> failed.add(name + ": " + why));
    JsonObject out =
        new JsonObject()
            .put("date", Instant.now().toString())
            .put("cores", Runtime.getRuntime().availableProcessors())
            .put("warmup", options.warmup().toString())
            .put("duration", options.duration().toString())
            .put("results", all)
            .put("ratios", report.ratiosJson())
            .put("failures", failed);
    Path file = options.resultsFile();
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, out.encodePrettily() + "\n");
    System.out.println("results: " + file.toAbsolutePath() + "; logs: " + logs());
  }
}
