package dev.tripline.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.gateway.delivery.Destination;
import dev.tripline.rules.Rule;
import dev.tripline.rules.RuleLoader;
import dev.tripline.rules.RuleSet;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The files under the repository's {@code config/} load as shipped: the quick start uses them. */
class ShippedConfigTest {

  private static final Path CONFIG = Path.of("..", "config");

  @Test
  void should_load_the_shipped_destinations_and_rules() {
    Map<String, Destination> destinations =
        DestinationsLoader.load(CONFIG.resolve("destinations.yaml"), Map.of());
    RuleSet rules = RuleLoader.load(CONFIG.resolve("rules"), destinations.keySet());

    assertThat(destinations).containsKey("demo");
    assertThat(rules.rules())
        .extracting(Rule::id)
        .containsExactlyInAnyOrder("repeat-ip", "impossible-travel");
    assertThat(rules.rule("impossible-travel").orElseThrow().detector().kind())
        .isEqualTo("velocity");
  }
}
