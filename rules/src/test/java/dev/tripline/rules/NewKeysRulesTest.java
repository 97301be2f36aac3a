package dev.tripline.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A rule's {@code new_keys}: reading, defaults, versions and every validation message. */
class NewKeysRulesTest {

  private static final String RULE =
      """
      - id: inactive-user
        detect:
          absence: {start: {}, cancel: {}, correlate_by: [userId], after: 14d}
        new_keys: {rate: 2500, per: 1h, burst: 5000}
      """;

  private static RuleSet load(String yaml) {
    return RuleLoader.loadText("config/rules/inactive.yaml", yaml, Set.of());
  }

  private static Rule rule(String yaml) {
    return load(yaml).rule("inactive-user").orElseThrow();
  }

  private static List<String> problems(String yaml) {
    try {
      load(yaml);
    } catch (RuleValidationException e) {
      return e.problems().stream().map(Object::toString).toList();
    }
    throw new AssertionError("expected the rules to be invalid");
  }

  @Test
  void should_read_rate_per_and_burst() {
    NewKeyRate limit = rule(RULE).newKeys().rate().orElseThrow();

    assertThat(limit.rate()).isEqualTo(2500);
    assertThat(limit.per()).isEqualTo(Duration.ofHours(1));
    assertThat(limit.burst()).isEqualTo(5000);
  }

  @Test
  void should_default_per_to_a_second_and_burst_to_one_periods_worth() {
    NewKeyRate limit =
        rule(RULE.replace("{rate: 2500, per: 1h, burst: 5000}", "{rate: 0.5}"))
            .newKeys()
            .rate()
            .orElseThrow();

    assertThat(limit.per()).isEqualTo(Duration.ofSeconds(1));
    assertThat(limit.burst()).isOne();
    assertThat(
            rule(RULE.replace("burst: 5000", "burst: 7").replace("per: 1h, ", "")).newKeys().rate())
        .map(NewKeyRate::per)
        .contains(Duration.ofSeconds(1));
  }

  @Test
  void should_admit_every_event_at_any_pace_without_new_keys() {
    assertThat(rule(RULE.replace("  new_keys: {rate: 2500, per: 1h, burst: 5000}\n", "")).newKeys())
        .isEqualTo(NewKeys.ANY);
  }

  @Test
  void should_read_the_admission_filter() {
    NewKeys newKeys =
        rule(RULE.replace(
                "{rate: 2500, per: 1h, burst: 5000}",
                "{on: [signup, login], where: \"event.source == 'backend'\", rate: 10}"))
            .newKeys();

    assertThat(newKeys.admit().on()).containsExactlyInAnyOrder("signup", "login");
    assertThat(newKeys.admit().whereSource()).isEqualTo("event.source == 'backend'");
    assertThat(newKeys.admit().matches(TestEvents.event("login", java.util.Map.of()))).isFalse();
    assertThat(newKeys.rate()).map(NewKeyRate::burst).contains(10);
  }

  @Test
  void should_keep_the_version_when_only_the_limit_changes() {
    Rule limited = rule(RULE);
    Rule other = rule(RULE.replace("rate: 2500", "rate: 10"));
    Rule unlimited = rule(RULE.replace("  new_keys: {rate: 2500, per: 1h, burst: 5000}\n", ""));

    assertThat(other.version()).isEqualTo(limited.version());
    assertThat(other.fingerprint()).isEqualTo(limited.fingerprint());
    assertThat(unlimited.fingerprint())
        .as("an admission limit, not detection logic: a reload keeps the state")
        .isEqualTo(limited.fingerprint());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{rate: 0} | config/rules/inactive.yaml:4:20 rule inactive-user: new_keys.rate: must"
            + " be > 0, was \"0\"",
        "{rate: -5} | config/rules/inactive.yaml:4:20 rule inactive-user: new_keys.rate: must"
            + " be a number >= 0, was \"-5\"",
        "{rate: lots} | config/rules/inactive.yaml:4:20 rule inactive-user: new_keys.rate:"
            + " must be a number >= 0, was \"lots\"",
        "{per: 1s} | config/rules/inactive.yaml:4:14 rule inactive-user: new_keys.per: is only"
            + " allowed with rate",
        "{rate: 5, per: 0s} | config/rules/inactive.yaml:4:28 rule inactive-user:"
            + " new_keys.per: must be > 0s, was \"0s\"",
        "{rate: 5, per: 1 hour} | config/rules/inactive.yaml:4:28 rule inactive-user:"
            + " new_keys.per: must be a duration such as 500ms, 60s, 5m, 1h, 30d or 1h30m"
            + " (units d, h, m, s, ms; largest first), was \"1 hour\"",
        "{rate: 5, burst: 0} | config/rules/inactive.yaml:4:30 rule inactive-user:"
            + " new_keys.burst: must be an integer >= 1, was \"0\"",
        "{rate: 5, burst: 2.5} | config/rules/inactive.yaml:4:30 rule inactive-user:"
            + " new_keys.burst: must be an integer >= 1, was \"2.5\"",
        "{rate: 5, brust: 10} | config/rules/inactive.yaml:4:23 rule inactive-user:"
            + " new_keys.brust: unknown field, did you mean `burst`?",
        "50 | config/rules/inactive.yaml:4:13 rule inactive-user: new_keys: must be a mapping,"
            + " was \"50\"",
        "{} | config/rules/inactive.yaml:4:13 rule inactive-user: new_keys: must have on, where or"
            + " rate",
        "{on: [login], burst: 5} | config/rules/inactive.yaml:4:27 rule inactive-user:"
            + " new_keys.burst: is only allowed with rate",
        "{on: [login], where: \"1 + 1\"} | config/rules/inactive.yaml:4:35 rule inactive-user:"
            + " new_keys.where: must be a bool expression, was int",
      })
  void should_report_each_bad_value_at_its_position(String limit, String expected) {
    String yaml = RULE.replace("{rate: 2500, per: 1h, burst: 5000}", limit);

    assertThat(problems(yaml)).containsExactly(expected);
  }

  @Test
  void should_refuse_an_admission_of_types_the_rule_never_sees() {
    String typed =
        """
        - id: inactive-user
          detect:
            absence: {start: {on: [login]}, cancel: {on: [logout]}, correlate_by: [userId], after: 1d}
          new_keys: {on: [signup], rate: 1}
        """;

    assertThat(problems(typed))
        .containsExactly(
            "config/rules/inactive.yaml:4:18 rule inactive-user: new_keys.on: shares no type with"
                + " the types the rule sees (login, logout), so no key could ever be opened");
  }

  @Test
  void should_refuse_a_limit_built_in_code_out_of_range() {
    assertThatThrownBy(() -> new NewKeyRate(0, Duration.ofSeconds(1), 1))
        .hasMessage("rate: must be a number > 0, was 0.0");
    assertThatThrownBy(() -> new NewKeyRate(1, Duration.ZERO, 1))
        .hasMessage("per: must be > 0s, was PT0S");
    assertThatThrownBy(() -> new NewKeyRate(1, Duration.ofSeconds(1), 0))
        .hasMessage("burst: must be an integer >= 1, was 0");
  }
}
