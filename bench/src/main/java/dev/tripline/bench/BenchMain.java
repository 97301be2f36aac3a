package dev.tripline.bench;

import dev.tripline.bench.GatewayLaunch.Jvm;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * its own ({@link StandInStore}); then overload, more events in flight than the gateway queues,
 * with the gateway started as shipped ({@code gateway/bin/tripline}) and with no JVM options at
 * all. Each load scenario also records the CPU time every process used in the measured window and
 * their resident memory ({@link MemoryUse}). {@code --scenarios a,b} runs only the scenarios named
 * (a store ceiling by its tool's name, e.g. {@code store-ceiling-h2}).
 *
 * <p>Exit status: 0 when every target is met, 1 when one is missed, 3 when a scenario could not run
 * (e.g. no gateway jar), 2 for bad options. Options: see {@link BenchOptions#from}.
 */
public final class BenchMain {

  static final double DURABLE_TARGET = 0.8;
  static final double OVERHEAD_TARGET = 0.35;

  private static final Pattern BARE_READY = Pattern.compile("listening on port (\\d+)");
  private static final Pattern MEASURE_START = Pattern.compile("^measure: (start)$");
  private static final Pattern MEASURE_END = Pattern.compile("^measure: (end)$");
  private static final Pattern GATEWAY_READY =
      Pattern.compile("started tripline \\[http port: (\\d+)");

  private final BenchOptions options;
  private final Path work;
  private final Map<String, JsonObject> results = new LinkedHashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();

  private BenchMain(BenchOptions options, Path work) {
    this.options = options;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.from(Args.parse(args));
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

  private int run() throws InterruptedException, IOException {
    System.out.printf(
        "tripline bench [cores: %d, warmup: %s, measured: %s, work dir: %s]%n",
        Runtime.getRuntime().availableProcessors(), options.warmup(), options.duration(), work);
    ceiling("h2");
    ceiling("memory");
    if (options.wants("bare-post")) {
      serverScenario(
          "bare-post",
          "bare",
          storeUri -> new GatewayLaunch.Command(bareCommand(), Map.of()),
          false,
          BARE_READY,
          load("post", postConnections()));
    }
    gatewayScenario("gateway-h2-post", "h2", Jvm.BENCH, load("post", durablePost()));
    gatewayScenario(
        "gateway-h2-batch",
        "h2",
        Jvm.BENCH,
        load("batch", options.batchConnections(), "--batch", "" + options.batchSize()));
    gatewayScenario(
        "gateway-h2-ws",
        "h2",
        Jvm.BENCH,
        load(
            "ws",
            options.wsConnections(),
            "--in-flight",
            "" + options.wsInFlight(),
            "--batch",
            "1"));
    gatewayScenario("gateway-memory-post", "memory", Jvm.BENCH, load("post", postConnections()));
    gatewayScenario("gateway-memstore-post", null, Jvm.BENCH, load("post", postConnections()));
    // overload: more events in flight than ingest.queue-capacity (20,000), so the queue stays full
    // and the surplus is answered 503; as shipped (the launcher) and with no JVM options at all.
    // On the stand-in store, fast enough that the queue drains within the ingest timeout: on H2
    // on these cores every queued batch waited longer than that, and nothing was accepted at all
    List<String> overload =
        load("batch", options.overloadConnections(), "--batch", "" + options.overloadBatchSize());
    gatewayScenario("gateway-overload", null, Jvm.LAUNCHER, overload);
    gatewayScenario("gateway-overload-jvm-defaults", null, Jvm.NONE, overload);
    Report report = new Report(results, failures, !options.scenarios().isEmpty());
    System.out.println();
    System.out.print(report.render());
    write(report);
    return report.status();
  }

  private int postConnections() {
    return options.postConnections();
  }

  private int durablePost() {
    return options.durablePostConnections();
  }

  /**
   * A gateway scenario, when the run wants it: the gateway on the embedded {@code backend}, or with
   * {@code backend} null on the stand-in store in its own JVM.
   */
  private void gatewayScenario(String name, String backend, Jvm jvm, List<String> loadArgs)
      throws InterruptedException {
    if (!options.wants(name)) {
      return;
    }
    if (!Files.isRegularFile(options.gatewayJar())) {
      failures.put(name, "no gateway jar at " + options.gatewayJar().toAbsolutePath());
      return;
    }
    GatewayLaunch launch =
        new GatewayLaunch(
            options.gatewayJar(),
            options.launcher(),
            options.serverJvm(),
            options.profile() ? logs().resolve(name + ".jfr") : null);
    Path dir = work.resolve(name);
    serverScenario(
        name,
        "gateway",
        storeUri -> launch.command(backend == null ? storeUri : backend, dir, jvm),
        backend == null,
        GATEWAY_READY,
        loadArgs);
  }

  /** The store alone, no HTTP: with 1 and 2 writers (the gateway's default write concurrency). */
  private void ceiling(String backend) throws InterruptedException {
    String name = "store-ceiling-" + backend;
    if (!options.wants(name)) {
      return;
    }
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
      GatewayLaunch.Command launch = server.command(storeUri);
      try (ChildProcess process =
          ChildProcess.start(name + "-server", launch.command(), launch.env(), logs())) {
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
          JsonObject memory = MemoryUse.of(pids);
          Duration limit = options.duration().plusSeconds(60);
          List<String> lines = load.awaitExit(limit);
          if (lines.isEmpty()) {
            throw new IllegalStateException(name + "-load: printed no result");
          }
          JsonObject result = new JsonObject(lines.get(lines.size() - 1)).put("server", kind);
          result.put("cpu", CpuTime.perEvent(before, after, result)).put("memory", memory);
          results.put(name, result);
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
    GatewayLaunch.Command command(String storeUri) throws IOException;
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
