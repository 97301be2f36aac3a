package dev.tripline.gateway;

import dev.tripline.gateway.config.ConfigException;
import dev.tripline.gateway.config.ConfigLoader;
import dev.tripline.gateway.config.GatewayConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code serve} (the default) runs the gateway, {@code validate} and {@code test}
 * check rule files and run their fixtures ({@link RulesCommand}), {@code backtest} replays stored
 * events through rules ({@link BacktestCommand}), {@code receiver} runs the demo webhook receiver.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);
  private static final Path DEFAULT_CONFIG = Path.of("config", "tripline.yaml");

  private static final String USAGE =
      """
      usage: gateway/bin/tripline [serve] [--config FILE]   (java -jar tripline.jar, with
                                    JVM options that bound its memory; more in TRIPLINE_JVM_OPTS)
             java -jar tripline.jar [serve] [--config FILE]
             java -jar tripline.jar validate [DIR] [--config FILE]
             java -jar tripline.jar test [DIR] [--config FILE]
             java -jar tripline.jar backtest [DIR] --from T --to T [--config FILE]
                                    [--compare] [--json] [--read-timeout 5m]
             java -jar tripline.jar receiver [--port 9000] [--secret whsec_...]

        serve      run the gateway (default); config from FILE or config/tripline.yaml,
                   every key overridable by TRIPLINE_* environment variables
        validate   check the rules under DIR (default: the config's rules.dir) as the
                   gateway would at start; prints every problem; exit 1 if any
        test       validate, then run the *.test.yaml fixtures under DIR in memory with a
                   fake clock; prints a diff per failing test; exit 1 if any fails
        backtest   replay the stored events with event time in [T, T) through the rules
                   under DIR in event time, sending nothing; per rule: detections, keys,
                   webhooks; --compare puts the config's rules.dir side by side; --json
                   for machine output; --read-timeout bounds each wait for events;
                   exit 1 if the store cannot be read
        receiver   a demo webhook receiver that verifies Standard Webhooks signatures
                   and prints each delivery
      """;

  private Main() {}

  public static void main(String[] args) {
    List<String> list = List.of(args);
    boolean named = !list.isEmpty() && !list.get(0).startsWith("-");
    String command = named ? list.get(0) : "serve";
    List<String> options = named ? list.subList(1, list.size()) : list;
    if (options.contains("--help") || options.contains("-h")) {
      command = "help";
    }
    try {
      switch (command) {
        case "serve" -> serve(options);
        case "validate" -> System.exit(rulesCommand().validate(options, DEFAULT_CONFIG));
        case "test" -> System.exit(rulesCommand().test(options, DEFAULT_CONFIG));
        case "backtest" ->
            System.exit(
                new BacktestCommand(System.out, System.err, System.getenv(), InstantSource.system())
                    .run(options, DEFAULT_CONFIG));
        case "receiver" -> DemoReceiver.run(options);
        case "help" -> System.out.print(USAGE);
        default -> usageError("unknown command: " + command);
      }
    } catch (IllegalArgumentException e) {
      usageError(e.getMessage());
    }
  }

  private static void serve(List<String> options) {
    if (!limitsHeap(ManagementFactory.getRuntimeMXBean().getInputArguments())) {
      log.warn(
          "start without a heap limit [max heap: {} MiB]: start with gateway/bin/tripline, or give"
              + " -Xmx",
          Runtime.getRuntime().maxMemory() >> 20);
    }
    Path configFile = DEFAULT_CONFIG;
    boolean named = false;
    for (int i = 0; i < options.size(); i++) {
      if (options.get(i).equals("--config") && i + 1 < options.size()) {
        configFile = Path.of(options.get(++i));
        named = true;
      } else {
        throw new IllegalArgumentException("unknown option: " + options.get(i));
      }
    }
    GatewayConfig config;
    try {
      config = ConfigLoader.load(configFile, named, System.getenv());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setMetricsOptions(
                        new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    Gateway gateway;
    try {
      gateway =
          Gateway.start(vertx, config, registry)
              .toCompletionStage()
              .toCompletableFuture()
              .get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("tripline: cannot start: " + cause.getMessage());
      log.debug("start failed", cause);
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stop gateway [signal: shutdown]");
                  try {
                    gateway
                        .stop()
                        .eventually(vertx::close)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(config.shutdownTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
                  } catch (Exception e) {
                    log.warn("stop gateway incomplete [cause: {}]", e.toString());
                  }
                },
                "tripline-shutdown"));
  }

  /**
   * Whether the JVM was given a heap limit ({@code -Xmx} and its equivalents). Without one the JVM
   * sizes the heap from the machine's memory (a quarter of it with G1), and under load the process
   * grows to gigabytes however little it keeps live.
   */
  static boolean limitsHeap(List<String> jvmArguments) {
    return jvmArguments.stream()
        .anyMatch(
            argument ->
                argument.startsWith("-Xmx")
                    || argument.startsWith("-XX:MaxHeapSize=")
                    || argument.startsWith("-XX:MaxRAM=")
                    || argument.startsWith("-XX:MaxRAMPercentage=")
                    || argument.startsWith("-XX:MaxRAMFraction="));
  }

  private static RulesCommand rulesCommand() {
    return new RulesCommand(System.out, System.err, System.getenv());
  }

  private static void usageError(String message) {
    System.err.println("tripline: " + message);
    System.err.print(USAGE);
    System.exit(2);
  }
}
