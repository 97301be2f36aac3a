package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar tripline.jar validate} and {@code test}: exit codes and what rule authors read.
 */
class RulesCommandTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Path config;
  private Path rules;

  @BeforeEach
  void setUp() throws IOException {
    rules = Files.createDirectories(dir.resolve("rules"));
    Path destinations = dir.resolve("destinations.yaml");
    Files.writeString(
        destinations,
        """
        - id: security
          url: http://127.0.0.1:9/hook
          secret: ${SECURITY_SECRET:-whsec_ZGVtby1zZWNyZXQtZm9yLWxvY2FsLXVzZS1vbmx5}
        """);
    config = dir.resolve("tripline.yaml");
    Files.writeString(
        config, "rules: {dir: " + rules + "}\ndestinations: {file: " + destinations + "}\n");
  }

  private int validate(Map<String, String> env, String... args) {
    return command(env).validate(List.of(args), dir.resolve("absent.yaml"));
  }

  private RulesCommand command(Map<String, String> env) {
    return new RulesCommand(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        env);
  }

  private int test(String... args) {
    return command(Map.of()).test(List.of(args), dir.resolve("absent.yaml"));
  }

  private int validate(String... args) {
    return validate(Map.of(), args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void should_accept_valid_rules_and_list_them() throws IOException {
    Files.writeString(
        rules.resolve("travel.yaml"),
        """
        - id: travel
          version: 2
          detect: {velocity: {group_by: [userId], max_speed_kmh: 900}}
          notify: [security]
        - id: burst
          detect: {threshold: {group_by: [ip], count: 20, within: 60s}}
        """);

    assertThat(validate("--config", config.toString())).isEqualTo(RulesCommand.OK);
    assertThat(out())
        .startsWith(rules + ": 2 enabled rule(s) valid (travel velocity v2, burst threshold vh");
  }

  @Test
  void should_print_every_problem_with_its_position_and_exit_1() throws IOException {
    Files.writeString(
        rules.resolve("travel.yaml"),
        """
        - id: travel
          detect: {velocity: {group_by: [userId], max_speed_kmh: 0}}
          notify: [securty]
        """);

    assertThat(validate("--config", config.toString())).isEqualTo(RulesCommand.FAILED);
    String file = rules.resolve("travel.yaml").toString();
    assertThat(out().lines())
        .containsExactly(
            file + ":2:58 rule travel: detect.velocity.max_speed_kmh: must be > 0, was \"0\"",
            file
                + ":3:12 rule travel: notify[0]: unknown destination `securty`; known: security;"
                + " did you mean `security`?",
            rules + ": 2 problem(s)");
  }

  @Test
  void should_validate_the_directory_given_instead_of_the_configured_one() throws IOException {
    Path other = Files.createDirectories(dir.resolve("candidate"));
    Files.writeString(
        other.resolve("x.yaml"), "- id: x\n  detect: {threshold: {group_by: [ip], count: 0}}\n");

    assertThat(validate(other.toString(), "--config", config.toString()))
        .isEqualTo(RulesCommand.FAILED);
    assertThat(out()).contains("x.yaml:2:").contains("detect.threshold.within: is required");
  }

  @Test
  void should_report_a_missing_rules_directory() {
    assertThat(validate(dir.resolve("nowhere").toString(), "--config", config.toString()))
        .isEqualTo(RulesCommand.FAILED);
    assertThat(out()).contains("rules directory does not exist");
  }

  @Test
  void should_report_destinations_the_gateway_could_not_load() throws IOException {
    Files.writeString(
        dir.resolve("destinations.yaml"),
        "- id: security\n  url: http://127.0.0.1:9/hook\n  secret: ${SECURITY_SECRET}\n");

    assertThat(validate("--config", config.toString())).isEqualTo(RulesCommand.FAILED);
    assertThat(err()).contains("environment variable SECURITY_SECRET is not set");

    err.reset();
    Map<String, String> env =
        Map.of("SECURITY_SECRET", "whsec_ZGVtby1zZWNyZXQtZm9yLWxvY2FsLXVzZS1vbmx5");
    assertThat(validate(env, "--config", config.toString())).isEqualTo(RulesCommand.OK);
  }

  @Test
  void should_report_sources_the_gateway_could_not_load() throws IOException {
    Path sources = dir.resolve("sources.yaml");
    Files.writeString(
        sources,
        """
        - id: github
          verify: {scheme: github, secrets: ["${GITHUB_SECRET}"]}
        - id: web
          kind: api
          write_keys: [wk_web]
          max_body_size: 1GiB
        """);
    Files.writeString(config, Files.readString(config) + "sources: {file: " + sources + "}\n");

    assertThat(validate("--config", config.toString())).isEqualTo(RulesCommand.FAILED);
    assertThat(err())
        .contains("environment variable GITHUB_SECRET is not set")
        .contains("source web: max_body_size: must be from 1KiB to 512KiB");

    err.reset();
    Files.writeString(
        sources,
        """
        - id: github
          verify: {scheme: github, secrets: ["${GITHUB_SECRET}"]}
        """);
    assertThat(validate(Map.of("GITHUB_SECRET", "s3cr3t"), "--config", config.toString()))
        .isEqualTo(RulesCommand.OK);
    assertThat(out()).contains(sources + ": 1 source(s) valid");
    assertThat(err()).isEmpty();
  }

  @Test
  void should_say_when_there_is_no_destinations_file() throws IOException {
    Files.delete(dir.resolve("destinations.yaml"));
    Files.writeString(
        rules.resolve("a.yaml"),
        "- id: a\n  detect: {threshold: {group_by: [ip], count: 2, within: 1s}}\n"
            + "  notify: [security]\n");

    assertThat(validate("--config", config.toString())).isEqualTo(RulesCommand.FAILED);
    assertThat(err()).contains("no destinations file at " + dir.resolve("destinations.yaml"));
    assertThat(out()).contains("unknown destination `security`; known: none");
  }

  @Test
  void should_exit_2_for_bad_arguments_or_config() throws IOException {
    assertThat(validate("--verbose")).isEqualTo(RulesCommand.USAGE);
    assertThat(err()).contains("unknown option: --verbose");

    Files.writeString(config, "rules: {dri: x}\n");
    assertThat(validate("--config", config.toString())).isEqualTo(RulesCommand.USAGE);
    assertThat(err()).contains("rules.dri");
  }

  private static final String BURST =
      """
      - id: burst
        detect: {threshold: {group_by: [ip], count: 3, within: 60s}}
        cooldown: 10m
        notify: [security]
      """;

  @Test
  void should_run_fixtures_and_report_each_test() throws IOException {
    Files.writeString(rules.resolve("burst.yaml"), BURST);
    Files.writeString(
        rules.resolve("burst.test.yaml"),
        """
        - name: three events fire, the cooldown holds, then it fires again
          steps:
            - event: {type: login, ip: 203.0.113.7}
              repeat: 3
              every: 1s
            - advance: 5m
            - event: {type: login, ip: 203.0.113.7}
              repeat: 3
            - advance: 10m
            - event: {type: login, ip: 203.0.113.7, timestamp: "2026-01-01T00:20:00Z"}
              repeat: 3
          expect:
            detections:
              - {rule: burst, key: {ip: 203.0.113.7}}
              - {rule: burst, key: {ip: 203.0.113.7}}
            webhooks: 2
        - name: two addresses do not add up
          steps:
            - event: {type: login, ip: 203.0.113.7}
              repeat: 2
            - event: {type: login, ip: 198.51.100.1}
          expect:
            detections: []
        """);

    assertThat(test("--config", config.toString())).isEqualTo(RulesCommand.OK);
    assertThat(out())
        .contains("ok   " + rules.resolve("burst.test.yaml") + ": three events fire")
        .contains("ok   " + rules.resolve("burst.test.yaml") + ": two addresses do not add up")
        .contains(rules + ": 2 passed, 0 failed");
  }

  @Test
  void should_give_events_the_profile_a_step_names() throws IOException {
    Files.writeString(
        rules.resolve("pro.yaml"),
        """
        - id: pro-purchase
          on: [order_completed]
          where: "has(event.profile) && event.profile.traits.plan == 'pro' && event.profile.traits.seats > 5"
          detect: {threshold: {group_by: [userId], count: 1, within: 60s}}
        """);
    Files.writeString(
        rules.resolve("pro.test.yaml"),
        """
        - name: only the pro user's order fires
          steps:
            - event: {type: order_completed, userId: u1}
              profile: {traits: {plan: pro, seats: 10}}
            - event: {type: order_completed, userId: u2}
              profile: {traits: {plan: free, seats: 10}}
            - event: {type: order_completed, userId: u3}
          expect:
            detections:
              - {rule: pro-purchase, key: {userId: u1}}
        """);
    Files.writeString(
        rules.resolve("pro-bad.test.yaml"),
        """
        - name: a profile must be a mapping
          steps:
            - event: {type: order_completed, userId: u1}
              profile: pro
          expect:
            detections: []
        """);

    assertThat(test("--config", config.toString())).isEqualTo(RulesCommand.FAILED);
    assertThat(out())
        .contains("ok   " + rules.resolve("pro.test.yaml") + ": only the pro user's order fires")
        .contains("steps[0].profile: must be a mapping")
        .contains("1 passed, 1 failed");
  }

  @Test
  void should_print_a_diff_for_a_failing_test_and_exit_1() throws IOException {
    Files.writeString(rules.resolve("burst.yaml"), BURST);
    Files.writeString(
        rules.resolve("burst.test.yaml"),
        """
        - name: wrong expectations
          steps:
            - event: {type: login, ip: 203.0.113.7}
              repeat: 3
          expect:
            detections:
              - {rule: burst, key: {ip: 198.51.100.1}}
            webhooks: 0
        """);

    assertThat(test("--config", config.toString())).isEqualTo(RulesCommand.FAILED);
    assertThat(out())
        .contains(
            "FAIL "
                + rules.resolve("burst.test.yaml")
                + ": wrong expectations\n"
                + "  detections expected (1):\n"
                + "    ! burst {\"ip\":\"198.51.100.1\"}\n"
                + "  detections actual (1):\n"
                + "    ! burst {\"ip\":\"203.0.113.7\"}\n"
                + "  webhooks: expected 0, actual 1\n")
        .contains("0 passed, 1 failed");
  }

  @Test
  void should_report_bad_fixtures_and_bad_events() throws IOException {
    Files.writeString(rules.resolve("burst.yaml"), BURST);
    Files.writeString(
        rules.resolve("a.test.yaml"),
        """
        - name: typo
          stpes: []
        """);
    Files.writeString(
        rules.resolve("b.test.yaml"),
        """
        - name: no type
          steps:
            - event: {ip: 203.0.113.7}
          expect: {detections: []}
        """);

    assertThat(test("--config", config.toString())).isEqualTo(RulesCommand.FAILED);
    assertThat(out())
        .contains("tests[0]: stpes: unknown field (known: expect, name, start, steps)")
        .contains(": typo: steps: is required")
        .contains(": typo: expect: is required")
        .contains("FAIL " + rules.resolve("b.test.yaml") + ": no type")
        .contains("no type: steps[0].event: type: must be a non-empty string")
        .contains("0 passed, 2 failed");
  }

  private void capsSetUp() throws IOException {
    Files.writeString(
        dir.resolve("destinations.yaml"),
        """
        - id: klaviyo
          url: http://127.0.0.1:9/klaviyo
          secret: whsec_ZGVtby1zZWNyZXQtZm9yLWxvY2FsLXVzZS1vbmx5
          frequency_cap: {per: userId, max: 1, within: 16h}
        - id: crm
          url: http://127.0.0.1:9/crm
          secret: whsec_ZGVtby1zZWNyZXQtZm9yLWxvY2FsLXVzZS1vbmx5
        """);
    Files.writeString(
        rules.resolve("cart.yaml"),
        """
        - id: cart
          on: [add_to_cart]
          detect: {threshold: {group_by: [userId], count: 1, within: 1m}}
          cooldown: 1h
          notify: [klaviyo, crm]
        - id: big-cart
          on: [add_to_cart]
          where: "event.properties.price > 100"
          detect: {threshold: {group_by: [userId], count: 1, within: 1m}}
          notify: [klaviyo]
        - id: cart-ip
          on: [add_to_cart]
          detect: {threshold: {group_by: [ip], count: 1, within: 1m}}
          cooldown: 1d
          notify: [klaviyo]
        """);
  }

  private static final String CAPPED_FIXTURE =
      """
      - name: klaviyo hears of u1 once per 16 hours, whichever rule fires
        steps:
          - event: {type: add_to_cart, userId: u1, ip: 198.51.100.1, properties: {price: 150}}
          - advance: 2h
          - event: {type: add_to_cart, userId: u1, properties: {price: 20}}
          - advance: 14h
          - event: {type: add_to_cart, userId: u1, properties: {price: 20}}
          - event: {type: add_to_cart, userId: u2, properties: {price: 20}}
        expect:
          detections:
            - {rule: cart, key: {userId: u1}}
            - {rule: big-cart, key: {userId: u1}}
            - {rule: cart-ip, key: {ip: 198.51.100.1}}
            - {rule: cart, key: {userId: u1}}
            - {rule: cart, key: {userId: u1}}
            - {rule: cart, key: {userId: u2}}
          webhooks: %d
      """;

  @Test
  void should_count_webhooks_after_the_destinations_frequency_caps() throws IOException {
    capsSetUp();
    // klaviyo: cart u1 (sent), big-cart u1 (capped), cart-ip (no userId: never capped),
    // cart u1 at 2h (capped), cart u1 at 16h (sent: the first has left the window), cart u2
    // (sent); crm: the four cart detections
    Files.writeString(rules.resolve("cart.test.yaml"), CAPPED_FIXTURE.formatted(8));

    assertThat(test("--config", config.toString())).as(out()).isEqualTo(RulesCommand.OK);
    assertThat(out()).contains("ok   " + rules.resolve("cart.test.yaml")).contains("1 passed");
  }

  @Test
  void should_say_how_many_webhooks_the_caps_held_back_when_the_count_is_wrong()
      throws IOException {
    capsSetUp();
    Files.writeString(rules.resolve("cart.test.yaml"), CAPPED_FIXTURE.formatted(10));

    assertThat(test("--config", config.toString())).isEqualTo(RulesCommand.FAILED);
    assertThat(out())
        .contains("  webhooks: expected 10, actual 8 (2 held back by frequency caps)\n");
  }

  @Test
  void should_say_when_there_are_no_fixtures() throws IOException {
    Files.writeString(rules.resolve("burst.yaml"), BURST);

    assertThat(test("--config", config.toString())).isEqualTo(RulesCommand.OK);
    assertThat(out()).contains("0 passed, 0 failed (no *.test.yaml fixtures found)");
  }
}
