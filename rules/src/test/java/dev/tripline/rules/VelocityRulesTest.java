package dev.tripline.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code detect.velocity}: options, defaults and every validation message. */
class VelocityRulesTest {

  private static final String RULE =
      """
      - id: travel
        on: [login]
        detect:
          velocity: {group_by: [userId], max_speed_kmh: 150}
        notify: [security]
      """;

  private static RuleSet load(String yaml) {
    return RuleLoader.loadText("config/rules/travel.yaml", yaml, Set.of("security"));
  }

  @Test
  void should_load_a_velocity_rule_with_defaults() {
    Rule rule = load(RULE).rule("travel").orElseThrow();

    assertThat(rule.detector())
        .isEqualTo(
            new VelocitySpec(
                List.of("userId"),
                150,
                0,
                VelocitySpec.DEFAULT_MIN_INTERVAL,
                VelocitySpec.DEFAULT_MAX_GAP,
                true));
    assertThat(rule.detector().kind()).isEqualTo("velocity");
  }

  @Test
  void should_load_every_option() {
    Rule rule =
        load(RULE.replace(
                "max_speed_kmh: 150",
                "max_speed_kmh: 900.5, min_distance_m: 250, min_interval: 30s, max_gap: 6h,"
                    + " subtract_accuracy: false"))
            .rule("travel")
            .orElseThrow();

    assertThat(rule.detector())
        .isEqualTo(
            new VelocitySpec(
                List.of("userId"), 900.5, 250, Duration.ofSeconds(30), Duration.ofHours(6), false));
  }

  @Test
  void should_give_a_new_version_when_an_option_changes() {
    String before = load(RULE).rule("travel").orElseThrow().version();
    String after = load(RULE.replace("150", "151")).rule("travel").orElseThrow().version();
    String same = load(RULE).rule("travel").orElseThrow().version();

    assertThat(after).isNotEqualTo(before);
    assertThat(same).isEqualTo(before);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "max_speed_kmh: 0 | config/rules/travel.yaml:4:51 rule travel:"
            + " detect.velocity.max_speed_kmh: must be > 0, was \"0\"",
        "max_speed_kmh: fast | config/rules/travel.yaml:4:51 rule travel:"
            + " detect.velocity.max_speed_kmh: must be a number >= 0, was \"fast\"",
        "max_speed_kmh: 1e9 | config/rules/travel.yaml:4:51 rule travel:"
            + " detect.velocity.max_speed_kmh: must be a number <= 100000, was \"1e9\"",
        "max_speed_kmh: .nan | config/rules/travel.yaml:4:51 rule travel:"
            + " detect.velocity.max_speed_kmh: must be a number >= 0, was \".nan\"",
        "max_speed_kmh: 150, min_distance_m: -1 | config/rules/travel.yaml:4:72 rule travel:"
            + " detect.velocity.min_distance_m: must be a number >= 0, was \"-1\"",
        "max_speed_kmh: 150, min_interval: 0s | config/rules/travel.yaml:4:70 rule travel:"
            + " detect.velocity.min_interval: must be > 0s, was \"0s\"",
        "max_speed_kmh: 150, max_gap: 31d | config/rules/travel.yaml:4:65 rule travel:"
            + " detect.velocity.max_gap: must be <= 30d, was \"31d\"",
        "max_speed_kmh: 150, min_interval: 2h, max_gap: 1h | config/rules/travel.yaml:4:83 rule"
            + " travel: detect.velocity.max_gap: max_gap must be longer than min_interval (2h),"
            + " was \"1h\"",
        "max_speed_kmh: 150, subtract_accuracy: yes please | config/rules/travel.yaml:4:75 rule"
            + " travel: detect.velocity.subtract_accuracy: must be true or false, was \"yes"
            + " please\"",
        "max_speed_kmh: 150, within: 1h | config/rules/travel.yaml:4:56 rule travel:"
            + " detect.velocity.within: unknown field (known: group_by, max_gap, max_speed_kmh,"
            + " min_distance_m, min_interval, subtract_accuracy)",
      })
  void should_report_each_bad_option_with_its_position(String options, String expected) {
    String yaml = RULE.replace("max_speed_kmh: 150", options);

    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(RuleValidationException.class)
        .hasMessage(expected);
  }

  @Test
  void should_suggest_the_known_option_for_a_misspelt_one() {
    assertThatThrownBy(() -> load(RULE.replace("max_speed_kmh: 150", "max_speed: 150")))
        .isInstanceOf(RuleValidationException.class)
        .hasMessage(
            "config/rules/travel.yaml:4:15 rule travel: detect.velocity.max_speed_kmh: is required\n"
                + "config/rules/travel.yaml:4:36 rule travel: detect.velocity.max_speed: unknown"
                + " field, did you mean `max_speed_kmh`?");
  }

  @Test
  void should_report_all_problems_at_once() {
    String yaml = RULE.replace("group_by: [userId], max_speed_kmh: 150", "group_by: [usrId]");

    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(RuleValidationException.class)
        .hasMessageContaining("detect.velocity.group_by[0]: must be an event field")
        .hasMessageContaining("did you mean `userId`?")
        .hasMessageContaining("detect.velocity.max_speed_kmh: is required");
  }
}
