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

/** {@code detect.absence}: options, defaults, routing and every validation message. */
class AbsenceRulesTest {

  private static final String RULE =
      """
      - id: cart-abandon
        detect:
          absence:
            start: {on: [add_to_cart], where: "event.properties.price > 10"}
            cancel: {on: [order_completed]}
            correlate_by: [userId]
            after: 30m
        notify: [klaviyo]
      """;

  private static RuleSet load(String yaml) {
    return RuleLoader.loadText("config/rules/cart.yaml", yaml, Set.of("klaviyo"));
  }

  private static AbsenceSpec spec(String yaml) {
    return (AbsenceSpec) load(yaml).rule("cart-abandon").orElseThrow().detector();
  }

  @Test
  void should_load_an_absence_rule_with_defaults() {
    AbsenceSpec spec = spec(RULE);

    assertThat(spec.start().on()).containsExactly("add_to_cart");
    assertThat(spec.start().whereSource()).isEqualTo("event.properties.price > 10");
    assertThat(spec.cancel().on()).containsExactly("order_completed");
    assertThat(spec.cancel().where()).isSameAs(Condition.ALWAYS);
    assertThat(spec.correlateBy()).containsExactly("userId");
    assertThat(spec.after()).isEqualTo(Duration.ofMinutes(30));
    assertThat(spec.grace()).isEqualTo(Duration.ZERO);
    assertThat(spec.onRepeatStart()).isEqualTo(AbsenceSpec.OnRepeatStart.RESET);
  }

  @Test
  void should_compile_the_start_condition() {
    AbsenceSpec spec = spec(RULE);

    assertThat(spec.start().matches(TestEvents.event("add_to_cart", Map.of("price", 19.9))))
        .isTrue();
    assertThat(spec.start().matches(TestEvents.event("add_to_cart", Map.of("price", 5)))).isFalse();
    assertThat(spec.start().matches(TestEvents.event("page", Map.of("price", 19.9)))).isFalse();
  }

  @Test
  void should_route_the_rule_to_its_start_and_cancel_types() {
    RuleSet rules = load(RULE);

    assertThat(rules.rule("cart-abandon").orElseThrow().types())
        .containsExactlyInAnyOrder("add_to_cart", "order_completed");
    assertThat(rules.rulesFor("order_completed")).extracting(Rule::id).contains("cart-abandon");
    assertThat(rules.rulesFor("page")).isEmpty();
  }

  @Test
  void should_route_an_inactivity_rule_to_every_type() {
    String inactivity =
        """
        - id: cart-abandon
          detect:
            absence: {start: {}, cancel: {}, correlate_by: [userId], after: 14d}
        """;

    RuleSet rules = load(inactivity);

    assertThat(rules.rule("cart-abandon").orElseThrow().types()).isEmpty();
    assertThat(rules.rulesFor("anything")).extracting(Rule::id).containsExactly("cart-abandon");
  }

  @Test
  void should_load_every_option() {
    AbsenceSpec spec =
        spec(
            RULE.replace(
                "after: 30m", "after: 1h\n      grace: 5m\n      on_repeat_start: ignore"));

    assertThat(spec.after()).isEqualTo(Duration.ofHours(1));
    assertThat(spec.grace()).isEqualTo(Duration.ofMinutes(5));
    assertThat(spec.onRepeatStart()).isEqualTo(AbsenceSpec.OnRepeatStart.IGNORE);
  }

  @Test
  void should_give_a_new_version_when_a_condition_or_option_changes() {
    String before = load(RULE).rule("cart-abandon").orElseThrow().version();

    assertThat(load(RULE).rule("cart-abandon").orElseThrow().version()).isEqualTo(before);
    assertThat(load(RULE.replace("> 10", "> 11")).rule("cart-abandon").orElseThrow().version())
        .isNotEqualTo(before);
    assertThat(load(RULE.replace("30m", "31m")).rule("cart-abandon").orElseThrow().version())
        .isNotEqualTo(before);
    assertThat(
            load(RULE.replace("cancel: {on: [order_completed]}", "cancel: {on: [refund]}"))
                .rule("cart-abandon")
                .orElseThrow()
                .version())
        .isNotEqualTo(before);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "after: 30m | after: 0s | config/rules/cart.yaml:7:14 rule cart-abandon:"
            + " detect.absence.after: must be > 0s, was \"0s\"",
        "after: 30m | after: 500d | config/rules/cart.yaml:7:14 rule cart-abandon:"
            + " detect.absence.after: must be <= 400d, was \"500d\"",
        "after: 30m | after: soon | config/rules/cart.yaml:7:14 rule cart-abandon:"
            + " detect.absence.after: must be a duration such as 500ms, 60s, 5m, 1h, 30d or 1h30m"
            + " (units d, h, m, s, ms; largest first), was \"soon\"",
        "after: 30m | after: 30m\\n      grace: 8d | config/rules/cart.yaml:8:14 rule"
            + " cart-abandon: detect.absence.grace: must be <= 7d, was \"8d\"",
        "after: 30m | after: 30m\\n      on_repeat_start: restart | config/rules/cart.yaml:8:24"
            + " rule cart-abandon: detect.absence.on_repeat_start: must be reset or ignore, was"
            + " \"restart\"",
        "after: 30m | after: 30m\\n      delay: 5m | config/rules/cart.yaml:8:7 rule cart-abandon:"
            + " detect.absence.delay: unknown field (known: after, cancel, correlate_by, grace,"
            + " on_repeat_start, start)",
        "correlate_by: [userId] | correlate_by: [usrId] | config/rules/cart.yaml:6:22 rule"
            + " cart-abandon: detect.absence.correlate_by[0]: must be an event field (id, source,"
            + " type, userId, anonymousId, ip, geo.lat, geo.lon, properties.<name> or"
            + " context.<name>), was \"usrId\", did you mean `userId`?",
        "correlate_by: [userId] | correlate_by: [id] | config/rules/cart.yaml:6:22 rule"
            + " cart-abandon: detect.absence.correlate_by[0]: must not be `id`: every event has its"
            + " own, so each key would hold one event (unbounded keys) and never fire",
        "cancel: {on: [order_completed]} | cancel: {on: [order_completed], when: x} |"
            + " config/rules/cart.yaml:5:39 rule cart-abandon: detect.absence.cancel.when: unknown"
            + " field, did you mean `where`?",
        "event.properties.price > 10 | event.properties.price > | config/rules/cart.yaml:4:66"
            + " rule cart-abandon: detect.absence.start.where: syntax error: mismatched input"
            + " '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT,"
            + " NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}",
        "event.properties.price > 10 | evnt.properties.price > 10 | config/rules/cart.yaml:4:42"
            + " rule cart-abandon: detect.absence.start.where: undeclared reference to 'evnt'",
        "cancel: {on: [order_completed]} | cancel: order_completed | config/rules/cart.yaml:5:15"
            + " rule cart-abandon: detect.absence.cancel: must be a mapping, was \"order_completed\"",
      })
  void should_report_each_bad_option_with_its_position(
      String replace, String with, String expected) {
    assertThat(RULE).contains(replace);

    // a \n in the replacement is a line break: the options of a block mapping
    String yaml = RULE.replace(replace, with.replace("\\n", "\n"));

    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(RuleValidationException.class)
        .hasMessage(expected);
  }

  @Test
  void should_report_every_missing_option_at_once() {
    assertThatThrownBy(() -> load("- id: cart-abandon\n  detect:\n    absence: {}\n"))
        .isInstanceOf(RuleValidationException.class)
        .hasMessage(
            String.join(
                "\n",
                "config/rules/cart.yaml:3:14 rule cart-abandon: detect.absence.start: is required",
                "config/rules/cart.yaml:3:14 rule cart-abandon: detect.absence.cancel: is required",
                "config/rules/cart.yaml:3:14 rule cart-abandon: detect.absence.correlate_by: is"
                    + " required",
                "config/rules/cart.yaml:3:14 rule cart-abandon: detect.absence.after: is"
                    + " required"));
  }

  @Test
  void should_reject_an_on_that_shares_no_type_with_start_and_cancel() {
    assertThatThrownBy(
            () -> load(RULE.replace("- id: cart-abandon\n", "- id: cart-abandon\n  on: [page]\n")))
        .isInstanceOf(RuleValidationException.class)
        .hasMessage(
            "config/rules/cart.yaml:2:7 rule cart-abandon: on: shares no type with the types the"
                + " detector names (add_to_cart, order_completed), so the rule could never see an"
                + " event");
  }

  @Test
  void should_reject_an_on_that_starves_the_cancel() {
    assertThatThrownBy(
            () ->
                load(
                    RULE.replace(
                        "- id: cart-abandon\n", "- id: cart-abandon\n  on: [add_to_cart]\n")))
        .isInstanceOf(RuleValidationException.class)
        .hasMessage(
            "config/rules/cart.yaml:2:7 rule cart-abandon: on: lets no event of"
                + " detect.absence.cancel through (its types: order_completed); add them to on, or"
                + " remove on");
  }

  @Test
  void should_narrow_routing_to_on_when_given() {
    Rule rule =
        load(RULE.replace(
                "- id: cart-abandon\n",
                "- id: cart-abandon\n  on: [add_to_cart, order_completed, page]\n"))
            .rule("cart-abandon")
            .orElseThrow();

    assertThat(rule.types()).containsExactlyInAnyOrder("add_to_cart", "order_completed");
    assertThat(List.copyOf(rule.on())).hasSize(3);
  }
}
