package dev.tripline.gateway;

import dev.tripline.detectors.DetectorLimits;
import dev.tripline.gateway.backtest.Backtest;
import dev.tripline.gateway.backtest.BacktestReport;
import dev.tripline.gateway.backtest.TextReport;
import dev.tripline.gateway.config.GatewayConfig;
import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.store.StoreUnavailableException;
import dev.tripline.rules.Durations;
import dev.tripline.rules.RuleSet;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code backtest [DIR] --from T --to T [--config FILE] [--compare] [--json] [--read-timeout D]}:
 * replays the stored events whose event time lies in [{@code --from}, {@code --to}) through the
 * rules under {@code DIR} (default: the config's {@code rules.dir}) and, with {@code --compare},
 * through the config's {@code rules.dir} side by side; prints per rule the detections, keys and
 * webhooks they would have made ({@link Backtest}). Nothing is stored or sent.
 *
 * <p>Exit status: 0 with a report; 1 when the store cannot be reached or read; 2 for bad arguments,
 * an invalid config or destinations file, or rules that do not load (printed as {@code validate}
 * prints them).
 */
final class BacktestCommand {

  static final int OK = 0;
  static final int STORE_FAILED = 1;
  static final int USAGE = 2;

  static final String USAGE_LINE =
      "usage: java -jar tripline.jar backtest [DIR] --from 2026-11-01T00:00:00Z"
          + " --to 2026-11-08T00:00:00Z [--config FILE] [--compare] [--json] [--read-timeout 5m]";

  private final PrintStream out;
  private final PrintStream err;
  private final RuleSources sources;
  private final InstantSource clock;

  BacktestCommand(PrintStream out, PrintStream err, Map<String, String> env, InstantSource clock) {
    this.out = out;
    this.err = err;
    this.sources = new RuleSources(err, env);
    this.clock = clock;
  }

  /** The parsed command line. */
  record Arguments(
      Optional<Path> dir,
      Path config,
      boolean configNamed,
      Instant from,
      Instant to,
      boolean compare,
      boolean json,
      Duration readTimeout) {

    /**
     * @throws IllegalArgumentException naming the option, the value and the constraint
     */
    static Arguments parse(List<String> options, Path defaultConfig) {
      Path dir = null;
      Path config = null;
      Instant from = null;
      Instant to = null;
      boolean compare = false;
      boolean json = false;
      Duration readTimeout = null;
      for (int i = 0; i < options.size(); i++) {
        String option = options.get(i);
        switch (option) {
          case "--config" -> config = Path.of(once(option, config, value(options, ++i, option)));
          case "--from" -> from = instant(option, once(option, from, value(options, ++i, option)));
          case "--to" -> to = instant(option, once(option, to, value(options, ++i, option)));
          case "--compare" -> compare = true;
          case "--json" -> json = true;
          case "--read-timeout" ->
              readTimeout =
                  duration(option, once(option, readTimeout, value(options, ++i, option)));
          default -> {
            if (option.startsWith("-") || dir != null) {
              throw new IllegalArgumentException("unknown option: " + option);
            }
            dir = Path.of(option);
          }
        }
      }
      if (from == null || to == null) {
        throw new IllegalArgumentException(
            (from == null ? "--from" : "--to")
                + ": is required, an event time such as 2026-11-01T00:00:00Z");
      }
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException(
            "--from: must be before --to, was " + from + " and --to " + to);
      }
      return new Arguments(
          Optional.ofNullable(dir),
          config == null ? defaultConfig : config,
          config != null,
          from,
          to,
          compare,
          json,
          readTimeout == null ? Backtest.DEFAULT_READ_TIMEOUT : readTimeout);
    }

    private static Duration duration(String option, String text) {
      Duration duration;
      try {
        duration = Durations.parse(text);
      } catch (IllegalArgumentException e) {
        duration = Duration.ZERO;
      }
      if (duration.isZero()) {
        throw new IllegalArgumentException(
            option + ": must be " + Durations.ACCEPTED + " and > 0s, was \"" + text + "\"");
      }
      return duration;
    }

    private static String value(List<String> options, int i, String option) {
      if (i >= options.size() || options.get(i).startsWith("--")) {
        throw new IllegalArgumentException(option + ": needs a value");
      }
      return options.get(i);
    }

    private static String once(String option, Object previous, String value) {
      if (previous != null) {
        throw new IllegalArgumentException(option + ": given twice");
      }
      return value;
    }

    /**
     * An ISO-8601 instant with an offset ({@code Z}, {@code +01:00}), or a date meaning UTC
     * midnight.
     */
    private static Instant instant(String option, String text) {
      try {
        return text.contains("T")
            ? OffsetDateTime.parse(text).toInstant()
            : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            option
                + ": must be an instant such as 2026-11-01T00:00:00Z (or +01:00) or a date such as"
                + " 2026-11-01 (UTC midnight), was \""
                + text
                + "\"");
      }
    }
  }

  int run(List<String> options, Path defaultConfig) {
    Arguments args;
    try {
      args = Arguments.parse(options, defaultConfig);
    } catch (IllegalArgumentException e) {
      err.println("tripline: " + e.getMessage());
      err.println(USAGE_LINE);
      return USAGE;
    }
    Backtest.Plan plan;
    GatewayConfig config;
    try {
      config = sources.config(args.config(), args.configNamed(), USAGE);
      Map<String, Destination> configured = sources.destinations(config, USAGE);
      Set<String> destinations = configured.keySet();
      Path dir = args.dir().orElse(config.rulesDir());
      RuleSet candidate = sources.rules(dir, destinations, err, USAGE);
      Optional<Backtest.Rules> live = Optional.empty();
      if (args.compare()) {
        live =
            Optional.of(
                new Backtest.Rules(
                    config.rulesDir().toString(),
                    sources.rules(config.rulesDir(), destinations, err, USAGE)));
      }
      plan =
          new Backtest.Plan(
              args.from(),
              args.to(),
              new Backtest.Rules(dir.toString(), candidate),
              live,
              new DetectorLimits(
                  config.detectors().maxKeysPerRule(), config.detectors().maxTimersPerRule()),
              configured);
    } catch (CommandExit exit) {
      return exit.status;
    }
    if (args.to().isAfter(clock.instant())) {
      err.println(
          "tripline: note: --to lies in the future: timers due before it fire as if no further"
              + " event came");
    }
    Vertx vertx = Vertx.vertx();
    try {
      BacktestReport report = Backtest.run(vertx, config.mongo(), args.readTimeout(), plan).await();
      out.print(args.json() ? report.toJson().encodePrettily() + "\n" : TextReport.render(report));
      return OK;
    } catch (StoreUnavailableException e) {
      err.println("tripline: cannot backtest: " + e.getMessage());
      return STORE_FAILED;
    } catch (IllegalArgumentException e) {
      err.println("tripline: " + e.getMessage());
      return USAGE;
    } catch (Exception e) {
      // await() rethrows whatever failed the chain, checked or not
      err.println("tripline: backtest failed: " + e);
      return STORE_FAILED;
    } finally {
      vertx.close().await();
    }
  }
}
