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

/** {@code java -jar tripline.jar validate}: exit codes and what rule authors read. */
class ValidateCommandTest {

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
    return new ValidateCommand(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env)
        .run(List.of(args), dir.resolve("absent.yaml"));
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

    assertThat(validate("--config", config.toString())).isEqualTo(ValidateCommand.VALID);
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

    assertThat(validate("--config", config.toString())).isEqualTo(ValidateCommand.INVALID);
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
        .isEqualTo(ValidateCommand.INVALID);
    assertThat(out()).contains("x.yaml:2:").contains("detect.threshold.within: is required");
  }

  @Test
  void should_report_a_missing_rules_directory() {
    assertThat(validate(dir.resolve("nowhere").toString(), "--config", config.toString()))
        .isEqualTo(ValidateCommand.INVALID);
    assertThat(out()).contains("rules directory does not exist");
  }

  @Test
  void should_report_destinations_the_gateway_could_not_load() throws IOException {
    Files.writeString(
        dir.resolve("destinations.yaml"),
        "- id: security\n  url: http://127.0.0.1:9/hook\n  secret: ${SECURITY_SECRET}\n");

    assertThat(validate("--config", config.toString())).isEqualTo(ValidateCommand.INVALID);
    assertThat(err()).contains("environment variable SECURITY_SECRET is not set");

    err.reset();
    Map<String, String> env =
        Map.of("SECURITY_SECRET", "whsec_ZGVtby1zZWNyZXQtZm9yLWxvY2FsLXVzZS1vbmx5");
    assertThat(validate(env, "--config", config.toString())).isEqualTo(ValidateCommand.VALID);
  }

  @Test
  void should_say_when_there_is_no_destinations_file() throws IOException {
    Files.delete(dir.resolve("destinations.yaml"));
    Files.writeString(
        rules.resolve("a.yaml"),
        "- id: a\n  detect: {threshold: {group_by: [ip], count: 2, within: 1s}}\n"
            + "  notify: [security]\n");

    assertThat(validate("--config", config.toString())).isEqualTo(ValidateCommand.INVALID);
    assertThat(err()).contains("no destinations file at " + dir.resolve("destinations.yaml"));
    assertThat(out()).contains("unknown destination `security`; known: none");
  }

  @Test
  void should_exit_2_for_bad_arguments_or_config() throws IOException {
    assertThat(validate("--verbose")).isEqualTo(ValidateCommand.USAGE);
    assertThat(err()).contains("unknown option: --verbose");

    Files.writeString(config, "rules: {dri: x}\n");
    assertThat(validate("--config", config.toString())).isEqualTo(ValidateCommand.USAGE);
    assertThat(err()).contains("rules.dri");
  }
}
