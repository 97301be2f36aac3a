package dev.tripline.gateway;

import dev.tripline.gateway.config.GatewayConfig;
import dev.tripline.gateway.config.Sources;
import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.ruletest.RuleTestCase;
import dev.tripline.gateway.ruletest.RuleTestFixtures;
import dev.tripline.gateway.ruletest.RuleTestRunner;
import dev.tripline.rules.Rule;
import dev.tripline.rules.RuleSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The rule authors' commands, {@code [DIR] [--config FILE]} each: the rules under {@code DIR}
 * (default: the config's {@code rules.dir}), loaded exactly as the gateway does at start, against
 * the destinations of the config's {@code destinations.file}.
 *
 * <ul>
 *   <li>{@code validate}: prints every problem, one per line as {@code file:line:column rule <id>:
 *       <field>: <message>}; then checks the config's {@code sources.file} as the gateway does at
 *       start and prints its problems the same way.
 *   <li>{@code test}: also runs the fixture files ({@code *.test.yaml}) under {@code DIR} in memory
 *       with a fake clock ({@link RuleTestRunner}) and prints a diff for each failing test; the
 *       webhook count applies the destinations' frequency caps.
 * </ul>
 *
 * <p>Exit status: 0 when all is well, 1 when a rule, destination, source, fixture or test is not, 2
 * for bad arguments or an invalid config file. Destination and source secrets are resolved as at
 * start, so a {@code ${VAR}} without a {@code :-default} must be set in the environment.
 */
final class RulesCommand {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private final PrintStream out;
  private final PrintStream err;
  private final RuleSources sources;

  RulesCommand(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.sources = new RuleSources(err, env);
  }

  /** What the options point at: the rules directory and the destinations. */
  private record Target(
      GatewayConfig config, Path rulesDir, Map<String, Destination> destinations) {}

  /** The rules of a target, loaded, with the destinations they were checked against. */
  private record Loaded(
      GatewayConfig config, Path rulesDir, RuleSet rules, Map<String, Destination> destinations) {}

  int validate(List<String> options, Path defaultConfig) {
    Loaded loaded;
    try {
      loaded = load(options, defaultConfig);
    } catch (CommandExit exit) {
      return exit.status;
    }
    RuleSet rules = loaded.rules();
    out.printf(
        "%s: %d enabled rule(s) valid%s%n",
        loaded.rulesDir(),
        rules.size(),
        rules.size() == 0
            ? ""
            : " ("
                + rules.rules().stream()
                    .map(RulesCommand::describe)
                    .collect(Collectors.joining(", "))
                + ")");
    Sources inbound;
    try {
      inbound = sources.inboundSources(loaded.config(), FAILED);
    } catch (CommandExit exit) {
      return exit.status;
    }
    out.printf("%s: %d source(s) valid%n", loaded.config().sourcesFile(), inbound.size());
    return OK;
  }

  int test(List<String> options, Path defaultConfig) {
    Loaded loaded;
    try {
      loaded = load(options, defaultConfig);
    } catch (CommandExit exit) {
      return exit.status;
    }
    Path rulesDir = loaded.rulesDir();
    List<Path> files;
    try {
      files = RuleTestFixtures.files(rulesDir);
    } catch (IOException e) {
      err.println(rulesDir + ": cannot read: " + e.getMessage());
      return FAILED;
    }
    RuleTestRunner runner = new RuleTestRunner(loaded.rules(), loaded.destinations());
    int passed = 0;
    int failed = 0;
    for (Path file : files) {
      List<RuleTestCase> tests;
      try {
        tests = RuleTestFixtures.parse(file.toString(), Files.readString(file));
      } catch (IOException | IllegalArgumentException e) {
        out.println("FAIL " + file + "\n  " + e.getMessage().replace("\n", "\n  "));
        failed++;
        continue;
      }
      for (RuleTestCase test : tests) {
        RuleTestRunner.Result result = runner.run(test);
        if (result.passed()) {
          out.println("ok   " + file + ": " + test.name());
          passed++;
        } else {
          out.print("FAIL " + file + ": " + test.name() + "\n" + result.diff());
          failed++;
        }
      }
    }
    out.printf(
        "%s: %d passed, %d failed%s%n",
        rulesDir, passed, failed, files.isEmpty() ? " (no *.test.yaml fixtures found)" : "");
    return failed == 0 ? OK : FAILED;
  }

  /** The options' rules, loaded; every problem printed before a {@link CommandExit}. */
  private Loaded load(List<String> options, Path defaultConfig) throws CommandExit {
    Target target = target(options, defaultConfig);
    return new Loaded(
        target.config(),
        target.rulesDir(),
        sources.rules(target.rulesDir(), target.destinations().keySet(), out, FAILED),
        target.destinations());
  }

  private Target target(List<String> options, Path defaultConfig) throws CommandExit {
    Path dir = null;
    Path configFile = defaultConfig;
    boolean configNamed = false;
    for (int i = 0; i < options.size(); i++) {
      String option = options.get(i);
      if (option.equals("--config") && i + 1 < options.size()) {
        configFile = Path.of(options.get(++i));
        configNamed = true;
      } else if (!option.startsWith("-") && dir == null) {
        dir = Path.of(option);
      } else {
        err.println("tripline: unknown option: " + option);
        throw new CommandExit(USAGE);
      }
    }
    GatewayConfig config = sources.config(configFile, configNamed, USAGE);
    Map<String, Destination> destinations = sources.destinations(config, FAILED);
    return new Target(config, dir != null ? dir : config.rulesDir(), destinations);
  }

  private static String describe(Rule rule) {
    return rule.id() + " " + rule.detector().kind() + " v" + rule.version();
  }
}
