package dev.tripline.gateway;

import dev.tripline.gateway.config.ConfigException;
import dev.tripline.gateway.config.ConfigLoader;
import dev.tripline.gateway.config.DestinationsLoader;
import dev.tripline.gateway.config.GatewayConfig;
import dev.tripline.gateway.config.Sources;
import dev.tripline.gateway.config.SourcesLoader;
import dev.tripline.gateway.delivery.Destination;
import dev.tripline.rules.RuleLoader;
import dev.tripline.rules.RuleProblem;
import dev.tripline.rules.RuleSet;
import dev.tripline.rules.RuleValidationException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What the rule authors' commands read before they do anything: the config file, the destination
 * ids of its {@code destinations.file}, and rule directories loaded against them exactly as the
 * gateway loads them at start. Every problem is printed, then a {@link CommandExit} with the
 * caller's status ends the command.
 */
final class RuleSources {

  private final PrintStream err;
  private final Map<String, String> env;

  RuleSources(PrintStream err, Map<String, String> env) {
    this.err = err;
    this.env = env;
  }

  /** The config file, validated; a problem is a usage error. */
  GatewayConfig config(Path file, boolean named, int status) throws CommandExit {
    try {
      return ConfigLoader.load(file, named, env);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      throw new CommandExit(status);
    }
  }

  /**
   * The destinations {@code notify:} may name, by id; secrets are resolved as at start. Rule tests
   * use their frequency caps.
   */
  Map<String, Destination> destinations(GatewayConfig config, int status) throws CommandExit {
    if (!Files.exists(config.destinationsFile())) {
      err.println(
          "tripline: no destinations file at "
              + config.destinationsFile()
              + ", so notify: can name no destination");
    }
    try {
      return DestinationsLoader.load(config.destinationsFile(), env);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      throw new CommandExit(status);
    }
  }

  /**
   * The inbound sources of {@code sources.file}, validated as at start (secrets and keys resolved
   * from the environment); a missing file is no sources.
   */
  Sources inboundSources(GatewayConfig config, int status) throws CommandExit {
    try {
      return SourcesLoader.load(config.sourcesFile(), env, config.ingest().maxBodyBytes());
    } catch (ConfigException e) {
      err.println(e.getMessage());
      throw new CommandExit(status);
    }
  }

  /**
   * The enabled rules under {@code dir}; when any is invalid, every problem is printed to {@code
   * problems} as {@code file:line:column rule <id>: <field>: <message>}, then a count.
   */
  RuleSet rules(Path dir, Set<String> destinations, PrintStream problems, int status)
      throws CommandExit {
    try {
      return RuleLoader.load(dir, destinations);
    } catch (RuleValidationException e) {
      for (RuleProblem problem : e.problems()) {
        problems.println(problem);
      }
      problems.printf("%s: %d problem(s)%n", dir, e.problems().size());
      throw new CommandExit(status);
    }
  }
}
