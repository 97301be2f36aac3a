package dev.tripline.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code detect.sequence}: options, defaults, types, versions and every validation message. */
class SequenceRulesTest {

  private static final String RULE =
      """
      - id: checkout-dropoff
        detect:
          sequence:
            steps:
              - on: [view_product]
              - on: [add_to_cart]
              - on: [begin_checkout]
              - on: [order_completed]
                where: "event.properties.total > 0"
            correlate_by: [userId]
            within: 1h
            fire_on: timeout_at_step
            at_step: 4
        cooldown: 6h
        notify: [demo]
      """;

  private static final String COMPLETE =
      """
      - id: funnel
        detect:
          sequence: {steps: [{on: view_product}, {on: add_to_cart}], correlate_by: [userId], within: 30m}
        notify: [demo]
      """;

  private static RuleSet load(String yaml) {
    return RuleLoader.loadText("config/rules/checkout.yaml", yaml, Set.of("demo"));
  }

  private static SequenceSpec spec(String yaml) {
    return (SequenceSpec) load(yaml).rules().get(0).detector();
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
  void should_load_every_option() {
    Rule rule = load(RULE).rule("checkout-dropoff").orElseThrow();
    SequenceSpec spec = (SequenceSpec) rule.detector();

    assertThat(spec.kind()).isEqualTo("sequence");
    assertThat(spec.steps())
        .extracting(EventFilter::on)
        .containsExactly(
            Set.of("view_product"),
            Set.of("add_to_cart"),
            Set.of("begin_checkout"),
            Set.of("order_completed"));
    assertThat(spec.steps())
        .extracting(EventFilter::whereSource)
        .containsExactly("", "", "", "event.properties.total > 0");
    assertThat(spec.steps().get(0).where()).isSameAs(Condition.ALWAYS);
    assertThat(spec.correlateBy()).containsExactly("userId");
    assertThat(spec.within()).isEqualTo(Duration.ofHours(1));
    assertThat(spec.fireOn()).isEqualTo(SequenceSpec.FireOn.TIMEOUT_AT_STEP);
    assertThat(spec.atStep()).containsExactly(4);
    assertThat(rule.cooldown()).isEqualTo(Duration.ofHours(6));
  }

  @Test
  void should_compile_each_step_where() {
    EventFilter paid = spec(RULE).steps().get(3);

    assertThat(paid.matches(TestEvents.event("order_completed", Map.of("total", 12.5)))).isTrue();
    assertThat(paid.matches(TestEvents.event("order_completed", Map.of("total", 0)))).isFalse();
    assertThat(paid.matches(TestEvents.event("add_to_cart", Map.of("total", 12.5)))).isFalse();
  }

  @Test
  void should_fire_on_complete_by_default_and_default_at_step_to_the_last_step() {
    SequenceSpec complete = spec(COMPLETE);
    SequenceSpec dropOff = spec(RULE.replace("      at_step: 4\n", ""));

    assertThat(complete.fireOn()).isEqualTo(SequenceSpec.FireOn.COMPLETE);
    assertThat(complete.atStep()).isEmpty();
    assertThat(dropOff.fireOn()).isEqualTo(SequenceSpec.FireOn.TIMEOUT_AT_STEP);
    assertThat(dropOff.atStep()).containsExactly(4);
  }

  @Test
  void should_read_at_step_as_a_list_of_steps() {
    assertThat(spec(RULE.replace("at_step: 4", "at_step: [3, 2, 3]")).atStep())
        .containsExactlyInAnyOrder(2, 3);
  }

  @Test
  void should_name_the_types_of_every_step_or_every_type_when_one_step_takes_any() {
    Rule rule = load(RULE).rules().get(0);
    Rule anyStep = load(RULE.replace("- on: [add_to_cart]", "- where: \"true\"")).rules().get(0);

    assertThat(rule.types())
        .containsExactlyInAnyOrder(
            "view_product", "add_to_cart", "begin_checkout", "order_completed");
    assertThat(rule.appliesTo("add_to_cart")).isTrue();
    assertThat(rule.appliesTo("page_view")).isFalse();
    assertThat(anyStep.types()).isEmpty();
    assertThat(anyStep.appliesTo("page_view")).isTrue();
  }

  @Test
  void should_refuse_a_rule_on_that_shares_no_type_with_the_steps() {
    assertThat(problems(COMPLETE.replace("  detect:", "  on: [login]\n  detect:")))
        .containsExactly(
            "config/rules/checkout.yaml:2:7 rule funnel: on: shares no type with the types the"
                + " detector names (add_to_cart, view_product), so the rule could never see an"
                + " event");
  }

  @Test
  void should_give_a_new_version_when_the_steps_change_and_not_when_only_the_style_does() {
    String version = load(RULE).rules().get(0).version();
    String block =
        """
        - id: funnel
          notify: demo
          detect:
            sequence:
              within: 30m
              correlate_by: userId
              steps:
                - {on: [view_product]}
                - on: add_to_cart
        """;

    assertThat(load(block).rules().get(0).version())
        .as("flow or block style, key order, a string or a one-item list")
        .isEqualTo(load(COMPLETE).rules().get(0).version());
    String swapped =
        RULE.replace("[add_to_cart]", "[x]")
            .replace("[begin_checkout]", "[add_to_cart]")
            .replace("[x]", "[begin_checkout]");
    assertThat(
            List.of(
                    RULE.replace("total > 0", "total > 1"),
                    RULE.replace("at_step: 4", "at_step: [3, 4]"),
                    RULE.replace("within: 1h", "within: 2h"),
                    RULE.replace("correlate_by: [userId]", "correlate_by: [anonymousId]"),
                    RULE.replace("fire_on: timeout_at_step\n      at_step: 4", "fire_on: complete"),
                    swapped)
                .stream()
                .map(yaml -> load(yaml).rules().get(0).version())
                .toList())
        .doesNotContain(version)
        .doesNotHaveDuplicates();
    assertThat(load(RULE.replace("at_step: 4", "at_step: [4]")).rules().get(0).version())
        .isEqualTo(version);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "within: 1h | within: 0s | config/rules/checkout.yaml:11:15 rule checkout-dropoff:"
            + " detect.sequence.within: must be > 0s, was \"0s\"",
        "within: 1h | within: 31d | config/rules/checkout.yaml:11:15 rule checkout-dropoff:"
            + " detect.sequence.within: must be <= 30d, was \"31d\"",
        "within: 1h | within: soon | config/rules/checkout.yaml:11:15 rule checkout-dropoff:"
            + " detect.sequence.within: must be a duration such as 500ms, 60s, 5m, 1h, 30d or"
            + " 1h30m (units d, h, m, s, ms; largest first), was \"soon\"",
        "correlate_by: [userId] | correlate_by: [] | config/rules/checkout.yaml:10:21 rule"
            + " checkout-dropoff: detect.sequence.correlate_by: must not be empty, was a list",
        "correlate_by: [userId] | correlate_by: [userid] | config/rules/checkout.yaml:10:22 rule"
            + " checkout-dropoff: detect.sequence.correlate_by[0]: must be an event field (id,"
            + " source, type, userId, anonymousId, ip, geo.lat, geo.lon, properties.<name> or"
            + " context.<name>), was \"userid\", did you mean `userId`?",
        "fire_on: timeout_at_step | fire_on: dropoff | config/rules/checkout.yaml:12:16 rule"
            + " checkout-dropoff: detect.sequence.fire_on: must be complete or timeout_at_step,"
            + " was \"dropoff\"",
        "at_step: 4 | at_step: 1 | config/rules/checkout.yaml:13:16 rule checkout-dropoff:"
            + " detect.sequence.at_step: must be an integer >= 2, was \"1\"",
        "at_step: 4 | at_step: 5 | config/rules/checkout.yaml:13:16 rule checkout-dropoff:"
            + " detect.sequence.at_step: must be an integer <= 4, was \"5\"",
        "at_step: 4 | at_step: [2, 5] | config/rules/checkout.yaml:13:20 rule checkout-dropoff:"
            + " detect.sequence.at_step[1]: must be an integer <= 4, was \"5\"",
        "at_step: 4 | at_step: [2, last] | config/rules/checkout.yaml:13:20 rule"
            + " checkout-dropoff: detect.sequence.at_step[1]: must be an integer >= 2, was"
            + " \"last\"",
        "at_step: 4 | at_step: [] | config/rules/checkout.yaml:13:16 rule checkout-dropoff:"
            + " detect.sequence.at_step: must not be empty, was a list",
        "fire_on: timeout_at_step | fire_on: complete | config/rules/checkout.yaml:13:7 rule"
            + " checkout-dropoff: detect.sequence.at_step: is only allowed with fire_on:"
            + " timeout_at_step",
        "at_step: 4 | at_steps: 4 | config/rules/checkout.yaml:13:7 rule checkout-dropoff:"
            + " detect.sequence.at_steps: unknown field, did you mean `at_step`?",
        "at_step: 4 | order: strict | config/rules/checkout.yaml:13:7 rule checkout-dropoff:"
            + " detect.sequence.order: unknown field (known: at_step, correlate_by, fire_on,"
            + " steps, within)",
        "- on: [add_to_cart] | - add_to_cart | config/rules/checkout.yaml:6:11 rule"
            + " checkout-dropoff: detect.sequence.steps[1]: must be a mapping, was"
            + " \"add_to_cart\"",
        "- on: [add_to_cart] | - {on: [add_to_cart], wher: x} | config/rules/checkout.yaml:6:31"
            + " rule checkout-dropoff: detect.sequence.steps[1].wher: unknown field, did you mean"
            + " `where`?",
        "- on: [add_to_cart] | - {on: [add_to_cart], within: 5m} | config/rules/checkout.yaml:6:31"
            + " rule checkout-dropoff: detect.sequence.steps[1].within: unknown field (known: on,"
            + " where)",
        "- on: [add_to_cart] | - on: [\"\"] | config/rules/checkout.yaml:6:16 rule"
            + " checkout-dropoff: detect.sequence.steps[1].on[0]: must not be empty",
        "event.properties.total > 0 | event.properties.total > 0 && evnt.ok |"
            + " config/rules/checkout.yaml:9:49 rule checkout-dropoff:"
            + " detect.sequence.steps[3].where: undeclared reference to 'evnt'",
        "event.properties.total > 0 | event.properties.total + 1 | config/rules/checkout.yaml:9:19"
            + " rule checkout-dropoff: detect.sequence.steps[3].where: must be a bool expression,"
            + " was int",
      })
  void should_report_each_bad_option_with_its_position(
      String replace, String with, String expected) {
    assertThat(RULE).contains(replace);

    assertThat(problems(RULE.replace(replace, with))).containsExactly(expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{correlate_by: [userId], within: 1h} | config/rules/checkout.yaml:3:15 rule funnel:"
            + " detect.sequence.steps: is required",
        "{steps: view_product, correlate_by: [userId], within: 1h} | config/rules/checkout.yaml:3:23"
            + " rule funnel: detect.sequence.steps: must be a list of mappings, was"
            + " \"view_product\"",
        "{steps: [], correlate_by: [userId], within: 1h} | config/rules/checkout.yaml:3:23 rule"
            + " funnel: detect.sequence.steps: must have at least 2 steps, had 0",
        "{steps: [{on: a}], correlate_by: [userId], within: 1h} | config/rules/checkout.yaml:3:23"
            + " rule funnel: detect.sequence.steps: must have at least 2 steps, had 1",
        "{steps: [{on: a}, {on: b}], within: 1h} | config/rules/checkout.yaml:3:15 rule funnel:"
            + " detect.sequence.correlate_by: is required",
        "{steps: [{on: a}, {on: b}], correlate_by: [userId]} | config/rules/checkout.yaml:3:15"
            + " rule funnel: detect.sequence.within: is required",
      })
  void should_require_steps_correlate_by_and_within(String options, String expected) {
    assertThat(problems("- id: funnel\n  detect:\n    sequence: " + options + "\n"))
        .containsExactly(expected);
  }

  @Test
  void should_suggest_the_known_option_for_a_misspelt_one() {
    assertThat(problems(RULE.replace("within: 1h", "withn: 1h")))
        .containsExactly(
            "config/rules/checkout.yaml:4:7 rule checkout-dropoff: detect.sequence.within: is"
                + " required",
            "config/rules/checkout.yaml:11:7 rule checkout-dropoff: detect.sequence.withn: unknown"
                + " field, did you mean `within`?");
  }

  @Test
  void should_refuse_at_step_when_fire_on_is_complete_by_default() {
    assertThat(problems(RULE.replace("      fire_on: timeout_at_step\n", "")))
        .containsExactly(
            "config/rules/checkout.yaml:12:7 rule checkout-dropoff: detect.sequence.at_step: is"
                + " only allowed with fire_on: timeout_at_step");
  }

  @Test
  void should_allow_at_most_twenty_steps() {
    String twenty = "{on: s}, ".repeat(19) + "{on: s}";

    assertThat(
            load("- id: funnel\n  detect: {sequence: {steps: ["
                    + twenty
                    + "], correlate_by: [userId], within: 1h}}\n")
                .rules())
        .hasSize(1);
    assertThat(
            problems(
                "- id: funnel\n  detect: {sequence: {steps: ["
                    + twenty
                    + ", {on: s}], correlate_by: [userId], within: 1h}}\n"))
        .containsExactly(
            "config/rules/checkout.yaml:2:30 rule funnel: detect.sequence.steps: must have at"
                + " most 20 steps, had 21");
  }

  @Test
  void should_report_all_problems_at_once() {
    String yaml =
        RULE.replace("- on: [view_product]", "- on: [view_product]\n          when: always")
            .replace("- on: [add_to_cart]", "- add_to_cart")
            .replace("event.properties.total > 0", "totl > 0")
            .replace("within: 1h", "within: 0s")
            .replace("at_step: 4", "at_step: 9");

    assertThat(problems(yaml))
        .containsExactly(
            "config/rules/checkout.yaml:6:11 rule checkout-dropoff: detect.sequence.steps[0].when:"
                + " unknown field, did you mean `where`?",
            "config/rules/checkout.yaml:7:11 rule checkout-dropoff: detect.sequence.steps[1]:"
                + " must be a mapping, was \"add_to_cart\"",
            "config/rules/checkout.yaml:10:19 rule checkout-dropoff:"
                + " detect.sequence.steps[3].where: undeclared reference to 'totl'",
            "config/rules/checkout.yaml:12:15 rule checkout-dropoff: detect.sequence.within: must"
                + " be > 0s, was \"0s\"",
            "config/rules/checkout.yaml:14:16 rule checkout-dropoff: detect.sequence.at_step: must"
                + " be an integer <= 4, was \"9\"");
  }

  @Test
  void should_list_sequence_among_the_known_kinds() {
    assertThatThrownBy(() -> load(COMPLETE.replace("sequence:", "sequnce:")))
        .isInstanceOf(RuleValidationException.class)
        .hasMessage(
            "config/rules/checkout.yaml:3:5 rule funnel: detect.sequnce: unknown detector kind,"
                + " did you mean `sequence`? (known kinds: absence, sequence, threshold,"
                + " velocity)");
  }
}
