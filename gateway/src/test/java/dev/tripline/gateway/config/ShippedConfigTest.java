package dev.tripline.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.ruletest.RuleTestCase;
import dev.tripline.gateway.ruletest.RuleTestFixtures;
import dev.tripline.gateway.ruletest.RuleTestRunner;
import dev.tripline.rules.Rule;
import dev.tripline.rules.RuleLoader;
import dev.tripline.rules.RuleSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        .contains(
            "repeat-ip", "impossible-travel", "cart-abandon", "inactive-user", "checkout-funnel");
    assertThat(rules.rule("impossible-travel").orElseThrow().detector().kind())
        .isEqualTo("velocity");
    assertThat(rules.rule("cart-abandon").orElseThrow().detector().kind()).isEqualTo("absence");
    assertThat(rules.rule("checkout-funnel").orElseThrow().detector().kind()).isEqualTo("sequence");
  }

  @Test
  void should_ship_no_active_source_so_the_quick_start_needs_no_secrets() {
    assertThat(SourcesLoader.load(CONFIG.resolve("sources.yaml"), Map.of(), 512 * 1024))
        .isEqualTo(Sources.none());
  }

  @Test
  void should_load_the_example_sources_with_their_secrets_set() throws Exception {
    Map<String, String> env =
        Map.of(
            "GITHUB_WEBHOOK_SECRET", "gh",
            "STRIPE_WEBHOOK_SECRET", "whsec_x",
            "SHOPIFY_CLIENT_SECRET", "shpss_x");
    Path examples = CONFIG.resolve("sources").resolve("examples");
    for (String example : List.of("github", "stripe", "shopify")) {
      Sources sources = SourcesLoader.load(examples.resolve(example + ".yaml"), env, 512 * 1024);
      assertThat(sources.hooks())
          .singleElement()
          .satisfies(
              hook -> {
                assertThat(hook.id()).isEqualTo(example);
                assertThat(hook.scheme().wireName()).isEqualTo(example);
              });
      assertThat(sources.rateLimits()).containsKey(example);
    }
    assertThatThrownBy(() -> SourcesLoader.load(examples.resolve("github.yaml"), Map.of(), 1024))
        .hasMessageContaining("environment variable GITHUB_WEBHOOK_SECRET is not set");
  }

  @Test
  void should_pass_the_shipped_rule_fixtures() throws Exception {
    Map<String, Destination> destinations =
        DestinationsLoader.load(CONFIG.resolve("destinations.yaml"), Map.of());
    RuleSet rules = RuleLoader.load(CONFIG.resolve("rules"), destinations.keySet());
    RuleTestRunner runner = new RuleTestRunner(rules, destinations);
    List<Path> files = RuleTestFixtures.files(CONFIG.resolve("rules"));

    // every shipped rule file has its fixtures
    try (var ruleFiles = Files.list(CONFIG.resolve("rules"))) {
      List<String> expected =
          ruleFiles
              .map(file -> file.getFileName().toString())
              .filter(name -> name.endsWith(".yaml") && !name.endsWith(".test.yaml"))
              .map(name -> name.replace(".yaml", ".test.yaml"))
              .sorted()
              .toList();
      assertThat(files).extracting(file -> file.getFileName().toString()).isEqualTo(expected);
    }
    for (Path file : files) {
      for (RuleTestCase test : RuleTestFixtures.parse(file.toString(), Files.readString(file))) {
        RuleTestRunner.Result result = runner.run(test);
        assertThat(result.passed()).as(test.name() + "\n" + result.diff()).isTrue();
      }
    }
  }
}
