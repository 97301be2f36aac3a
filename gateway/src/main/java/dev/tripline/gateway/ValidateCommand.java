package dev.tripline.gateway;

import dev.tripline.gateway.config.ConfigException;
import dev.tripline.gateway.config.ConfigLoader;
import dev.tripline.gateway.config.DestinationsLoader;
import dev.tripline.gateway.config.GatewayConfig;
import dev.tripline.gateway.delivery.Destination;
import dev.tripline.rules.Rule;
import dev.tripline.rules.RuleLoader;
import dev.tripline.rules.RuleProblem;
import dev.tripline.rules.RuleSet;
import dev.tripline.rules.RuleValidationException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code validate [DIR] [--config FILE]}: loads the rules exactly as the gateway does at start —
 * every file under {@code DIR} (default: the config's {@code rules.dir}), checked against the
 * destinations of the config's {@code destinations.file} — and prints every problem, one per line
 * as {@code file:line:column rule <id>: <field>: <message>}.
 *
 * <p>Exit status: 0 when the rules are valid, 1 when any rule or destination is not, 2 for bad
 * arguments or an invalid config file. Destination secrets are resolved as at start, so a {@code
 * ${VAR}} without a {@code :-default} must be set in the environment.
 */
final class ValidateCommand {

  static final int VALID = 0;
  static final int INVALID = 1;
  static final int USAGE = 2;

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  ValidateCommand(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  int run(List<String> options, Path defaultConfig) {
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
        err.println("tripline validate: unknown option: " + option);
        return USAGE;
      }
    }
    GatewayConfig config;
    try {
      config = ConfigLoader.load(configFile, configNamed, env);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return USAGE;
    }
    Path rulesDir = dir != null ? dir : config.rulesDir();
    if (!Files.exists(config.destinationsFile())) {
      err.println(
          "tripline validate: no destinations file at "
              + config.destinationsFile()
              + ", so notify: can name no destination");
    }
    Map<String, Destination> destinations;
    try {
      destinations = DestinationsLoader.load(config.destinationsFile(), env);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return INVALID;
    }
    try {
      RuleSet rules = RuleLoader.load(rulesDir, destinations.keySet());
      out.printf(
          "%s: %d enabled rule(s) valid%s%n",
          rulesDir,
          rules.size(),
          rules.size() == 0
              ? ""
              : " ("
                  + rules.rules().stream()
                      .map(ValidateCommand::describe)
                      .collect(Collectors.joining(", "))
                  + ")");
      return VALID;
    } catch (RuleValidationException e) {
      for (RuleProblem problem : e.problems()) {
        out.println(problem);
      }
      out.printf("%s: %d problem(s)%n", rulesDir, e.problems().size());
      return INVALID;
    }
  }

  private static String describe(Rule rule) {
    return rule.id() + " " + rule.detector().kind() + " v" + rule.version();
  }
}
