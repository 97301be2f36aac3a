package dev.tripline.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CelConditionsTest {

  private static final CelConditions CEL = CelConditions.create();

  private static final Map<String, Object> PROPERTIES = properties();

  private static Map<String, Object> properties() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("plan", "free");
    properties.put("price", 19.9);
    properties.put("qty", 3L);
    properties.put("boxedInt", Integer.valueOf(7));
    properties.put("boxedFloat", Float.valueOf(2.5f));
    properties.put("skus", List.of("A1", "B2"));
    properties.put("items", List.of(Map.of("price", 5L), Map.of("price", Integer.valueOf(60))));
    properties.put("coupon", null);
    return properties;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "event.type == 'signup' | true",
        "event.type == 'login' | false",
        "event.properties.plan == 'free' && event.source == 'web' | true",
        "event.properties.price > 10 | true",
        "event.properties.price > 20 | false",
        "event.properties.qty > 2.5 | true",
        "event.properties.qty == 3.0 | true",
        "event.properties.boxedInt > 5 | true",
        "event.properties.boxedInt + 1 == 8 | true",
        "event.properties.boxedFloat < 3 | true",
        "event.properties.items.exists(i, i.price > 50) | true",
        "event.properties.items.all(i, i.price > 50) | false",
        "'A1' in event.properties.skus | true",
        "has(event.properties.plan) | true",
        "has(event.properties.missing) | false",
        "has(event.anonymousId) | false",
        "has(event.userId) && event.userId.startsWith('u') | true",
        "event.geo.lat > 37.0 | true",
        "event.context.page.url.contains('/cart') | true",
        "event.properties.coupon == null | true",
        "event.properties.plan.matches('^fr') | true"
      })
  void should_evaluate_conditions_against_the_event(String expression, boolean expected) {
    Condition condition = CEL.compile(expression);

    assertThat(condition.test(TestEvents.event("signup", PROPERTIES))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "event.type == | 1:14 | syntax error: mismatched input '<EOF>' expecting {'[', '{', '(',"
            + " '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES,"
            + " IDENTIFIER}",
        "evnt.type == 'signup' | 1:1 | undeclared reference to 'evnt'",
        "[1, 2] | 1:1 | must be a bool expression, was list",
        "1 + 2 | 1:1 | must be a bool expression, was int",
        "'a' + 'b' | 1:1 | must be a bool expression, was string",
        "event.type.size() > 'a' | 1:19 | found no matching overload for '_>_' applied to '(int,"
            + " string)'"
      })
  void should_reject_invalid_expressions_with_their_position(
      String expression, String position, String message) {
    assertThatThrownBy(() -> CEL.compile(expression))
        .isInstanceOfSatisfying(
            InvalidConditionException.class,
            e ->
                assertThat(e.issues())
                    .extracting(i -> i.line() + ":" + i.column() + " " + i.message())
                    .containsExactly(position + " " + message));
  }

  @Test
  void should_give_line_column_and_offset_of_an_issue_in_a_multi_line_expression() {
    assertThatThrownBy(() -> CEL.compile("event.type == 'a' &&\n  size(evnt) > 0"))
        .isInstanceOfSatisfying(
            InvalidConditionException.class,
            e ->
                assertThat(e.issues())
                    .containsExactly(
                        new ConditionIssue(28, 2, 8, "undeclared reference to 'evnt'")));
  }

  @Test
  void should_accept_a_dyn_result_at_compile_time() {
    assertThat(CEL.compile("event.type")).isNotNull();
  }

  @Test
  void should_reject_a_blank_expression() {
    assertThatThrownBy(() -> CEL.compile("  "))
        .isInstanceOf(InvalidConditionException.class)
        .hasMessage("invalid condition `  `: 1:1 must not be empty");
  }

  @Test
  void should_throw_a_condition_exception_when_a_key_is_missing() {
    Condition condition = CEL.compile("event.properties.missing == 1");

    assertThatThrownBy(() -> condition.test(TestEvents.event("signup", PROPERTIES)))
        .isInstanceOf(ConditionException.class)
        .hasMessageContaining("cannot evaluate `event.properties.missing == 1` on event evt_1")
        .hasMessageContaining("key 'missing' is not present in map");
  }

  @Test
  void should_throw_a_condition_exception_when_a_dyn_result_is_not_a_bool() {
    Condition condition = CEL.compile("event.properties.plan");

    assertThatThrownBy(() -> condition.test(TestEvents.event("signup", PROPERTIES)))
        .isInstanceOf(ConditionException.class)
        .hasMessage(
            "`event.properties.plan` evaluated to String free on event evt_1, not to a bool");
  }

  @Test
  void should_reuse_one_compiled_condition_for_many_events() {
    Condition condition = CEL.compile("event.properties.qty >= 2");

    assertThat(condition.test(TestEvents.event("a", Map.of("qty", 1L)))).isFalse();
    assertThat(condition.test(TestEvents.event("a", Map.of("qty", 2L)))).isTrue();
    assertThat(condition.test(TestEvents.event("a", Map.of("qty", 5)))).isTrue();
    assertThat(condition).hasToString("event.properties.qty >= 2");
  }

  @Test
  void should_see_the_profile_of_the_event_user_only_when_it_has_one() {
    Condition pro = CEL.compile("has(event.profile) && event.profile.traits.plan == 'pro'");
    Event event = TestEvents.event("signup", PROPERTIES);
    Event enriched =
        event.withProfile(
            Map.of(
                "userId", "u1",
                "traits", Map.of("plan", "pro", "seats", 12L),
                "firstSeen", "2026-11-01T00:00:00Z"));

    assertThat(pro.test(event)).isFalse();
    assertThat(pro.test(enriched)).isTrue();
    assertThat(CEL.compile("event.profile.traits.seats > 10").test(enriched)).isTrue();
    assertThat(enriched.field("profile.traits.plan")).isEqualTo("pro");
    assertThat(event.field("profile.traits.plan")).isNull();
    assertThat(event.asMap()).doesNotContainKey("profile");
  }
}
