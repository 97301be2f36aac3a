package dev.tripline.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading from a directory, all-at-once reporting and rule versions. */
class RuleFilesTest {

  private static final Set<String> DESTINATIONS = Set.of("crm-alerts", "klaviyo");

  private static final String RULE =
      """
      - id: %s
        on: [signup]
        detect:
          threshold: {group_by: [ip], count: 20, within: 60s}
      """;

  @TempDir Path dir;

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void should_load_yaml_files_recursively_in_sorted_order_skipping_fixtures(@TempDir Path root)
      throws IOException {
    Path rules = root.resolve("config/rules");
    write(rules.resolve("b.yml"), RULE.formatted("from-b"));
    write(rules.resolve("a.yaml"), RULE.formatted("from-a"));
    write(rules.resolve("sub/c.yaml"), RULE.formatted("from-sub-c"));
    write(rules.resolve("a.test.yaml"), "not: a rule");
    write(rules.resolve("b.test.yml"), "not: a rule");
    write(rules.resolve(".#a.yaml"), "editor: swap file");
    write(rules.resolve("notes.txt"), "not yaml");
    write(rules.resolve("empty.yaml"), "");

    RuleSet set = RuleLoader.load(rules, DESTINATIONS);

    assertThat(set.rules()).extracting(Rule::id).containsExactly("from-a", "from-b", "from-sub-c");
    assertThat(set.rule("from-sub-c").orElseThrow().origin().file())
        .isEqualTo(rules.resolve("sub/c.yaml").toString());
  }

  @Test
  void should_name_both_positions_of_a_duplicate_id_across_files() throws IOException {
    write(dir.resolve("a.yaml"), RULE.formatted("signups"));
    write(dir.resolve("b.yaml"), "# the same id again\n" + RULE.formatted("signups"));

    assertThatThrownBy(() -> RuleLoader.load(dir, DESTINATIONS))
        .isInstanceOf(RuleValidationException.class)
        .hasMessage(
            dir.resolve("b.yaml")
                + ":2:7 rule signups: id: duplicate rule id, first defined at "
                + dir.resolve("a.yaml")
                + ":1:7");
  }

  @Test
  void should_report_a_missing_directory() {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> RuleLoader.load(missing, DESTINATIONS))
        .isInstanceOfSatisfying(
            RuleValidationException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo(missing + " rules directory does not exist");
              assertThat(e.problems()).hasSize(1);
            });
  }

  @Test
  void should_report_a_file_that_is_not_utf8() throws IOException {
    Files.write(
        dir.resolve("latin1.yaml"), "- id: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> RuleLoader.load(dir, DESTINATIONS))
        .hasMessage(dir.resolve("latin1.yaml") + " is not valid UTF-8");
  }

  @Test
  void should_report_all_problems_of_all_files_at_once() throws IOException {
    write(
        dir.resolve("cart.yaml"),
        """
        - id: cart-abandon
          where: "evnt.type == 'x'"
          detect:
            threshold: {group_by: [userId], count: twenty, within: 0s}
          notify: [klavyio]
        """);
    write(
        dir.resolve("other.yaml"),
        "- id: other\n  detect: {threshold: {group_by: [ip], count: 1, within: 1s}}\n  colldown: 1h\n");
    write(dir.resolve("broken.yaml"), "- id: [unclosed\n");

    assertThatThrownBy(() -> RuleLoader.load(dir, DESTINATIONS))
        .isInstanceOf(RuleValidationException.class)
        .hasMessage(
            String.join(
                "\n",
                dir.resolve("broken.yaml")
                    + ":2:1 invalid YAML: expected ',' or ']', but got <stream end> (while parsing a"
                    + " flow sequence at 1:7)",
                dir.resolve("cart.yaml")
                    + ":2:11 rule cart-abandon: where: undeclared reference to 'evnt'",
                dir.resolve("cart.yaml")
                    + ":4:44 rule cart-abandon: detect.threshold.count: must be an integer >= 1,"
                    + " was \"twenty\"",
                dir.resolve("cart.yaml")
                    + ":4:60 rule cart-abandon: detect.threshold.within: must be > 0s, was \"0s\"",
                dir.resolve("cart.yaml")
                    + ":5:12 rule cart-abandon: notify[0]: unknown destination `klavyio`; known:"
                    + " crm-alerts, klaviyo; did you mean `klaviyo`?",
                dir.resolve("other.yaml")
                    + ":3:3 rule other: colldown: unknown field, did you mean `cooldown`?"));
  }

  @Test
  void should_place_errors_inside_a_block_scalar_condition() {
    String yaml =
        """
        - id: blocky
          where: |
            event.type == 'signup' &&
              evnt.properties.plan == 'free'
          detect: {threshold: {group_by: [ip], count: 2, within: 1m}}
        """;

    assertThatThrownBy(() -> RuleLoader.loadText("r.yaml", yaml, DESTINATIONS))
        .hasMessage("r.yaml:4:7 rule blocky: where: undeclared reference to 'evnt'");
  }

  @Test
  void should_keep_the_version_when_keys_are_reordered_and_change_it_with_the_definition() {
    String original =
        """
        - id: v
          description: first words
          on: [signup, login]
          where: "event.properties.plan == 'free'"
          detect:
            threshold: {group_by: [ip], count: 20, distinct: userId, within: 60s}
          cooldown: 1h
          notify: [crm-alerts, klaviyo]
        """;
    String reordered =
        """
        - notify: [klaviyo, crm-alerts]
          cooldown: 60m
          detect:
            threshold: {within: 1m, distinct: userId, count: 20, group_by: [ip]}
          where: "event.properties.plan == 'free'"
          on: [login, signup]
          description: other words
          id: v
        """;

    String version = version(original);

    assertThat(version).matches("h[0-9a-f]{10}");
    assertThat(version(reordered)).isEqualTo(version);
    assertThat(version(original.replace("count: 20", "count: 21"))).isNotEqualTo(version);
    assertThat(version(original.replace("'free'", "'pro'"))).isNotEqualTo(version);
    assertThat(version(original.replace("within: 60s", "within: 61s"))).isNotEqualTo(version);
    assertThat(version(original.replace("cooldown: 1h", "cooldown: 2h"))).isNotEqualTo(version);
    assertThat(version(original.replace("[signup, login]", "[signup]"))).isNotEqualTo(version);
    assertThat(version(original.replace("[crm-alerts, klaviyo]", "[klaviyo]")))
        .isNotEqualTo(version);
    assertThat(version(original.replace("distinct: userId, ", ""))).isNotEqualTo(version);
    assertThat(version(original + "  version: v7\n")).isEqualTo("v7");
  }

  private static String version(String yaml) {
    return RuleLoader.loadText("v.yaml", yaml, DESTINATIONS).rules().get(0).version();
  }
}
