package dev.tripline.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleLoaderTest {

  private static final Set<String> DESTINATIONS = Set.of("crm-alerts", "klaviyo");

  private static final String VALID =
      """
      - id: repeat-ip-signups
        description: Many sign-ups from one IP
        on: [signup]
        where: "event.properties.plan == 'free'"
        detect:
          threshold: {group_by: [ip], count: 20, distinct: userId, within: 60s}
        cooldown: 1h
        notify: [crm-alerts]

      - id: big-carts
        version: 3
        detect:
          threshold:
            group_by: [properties.cartId, userId]
            count: 5
            within: 1h30m
        notify: klaviyo

      - id: logins
        on: [login, pixel_claimed]
        enabled: false
        detect:
          threshold: {group_by: [userId], count: 3, within: 5m}
      """;

  private static RuleSet load(String yaml) {
    return RuleLoader.loadText("config/rules/cart.yaml", yaml, DESTINATIONS);
  }

  private static List<String> problems(String yaml) {
    try {
      load(yaml);
    } catch (RuleValidationException e) {
      assertThat(e.getMessage())
          .isEqualTo(String.join("\n", e.problems().stream().map(Object::toString).toList()));
      return e.problems().stream().map(Object::toString).toList();
    }
    throw new AssertionError("expected the rules to be invalid");
  }

  @Test
  void should_load_a_valid_multi_rule_file() {
    RuleSet rules = load(VALID);

    assertThat(rules.size()).isEqualTo(2);
    Rule first = rules.rules().get(0);
    assertThat(first.id()).isEqualTo("repeat-ip-signups");
    assertThat(first.description()).isEqualTo("Many sign-ups from one IP");
    assertThat(first.on()).containsExactly("signup");
    assertThat(first.detector())
        .isEqualTo(
            new ThresholdSpec(List.of("ip"), 20, Optional.of("userId"), Duration.ofMinutes(1)));
    assertThat(first.cooldown()).isEqualTo(Duration.ofHours(1));
    assertThat(first.destinations()).containsExactly("crm-alerts");
    assertThat(first.origin()).isEqualTo(new SourcePosition("config/rules/cart.yaml", 1, 3));
    assertThat(first.version()).matches("h[0-9a-f]{10}");
    assertThat(first.where().test(TestEvents.event("signup", Map.of("plan", "free")))).isTrue();
    assertThat(first.where().test(TestEvents.event("signup", Map.of("plan", "pro")))).isFalse();

    Rule second = rules.rule("big-carts").orElseThrow();
    assertThat(second.version()).isEqualTo("3");
    assertThat(second.on()).isEmpty();
    assertThat(second.where()).isSameAs(Condition.ALWAYS);
    assertThat(second.cooldown()).isEqualTo(Duration.ZERO);
    assertThat(second.destinations()).containsExactly("klaviyo");
    assertThat(second.detector())
        .isEqualTo(
            new ThresholdSpec(
                List.of("properties.cartId", "userId"),
                5,
                Optional.empty(),
                Duration.ofMinutes(90)));
  }

  @Test
  void should_validate_but_leave_out_a_disabled_rule() {
    RuleSet rules = load(VALID);

    assertThat(rules.rule("logins")).isEmpty();
    assertThat(rules.rules())
        .extracting(Rule::id)
        .containsExactly("repeat-ip-signups", "big-carts");
    assertThat(
            problems(VALID.replace("group_by: [userId], count: 3", "group_by: [userId], count: 0")))
        .containsExactly(
            "config/rules/cart.yaml:23:44 rule logins: detect.threshold.count: must be an integer"
                + " >= 1, was \"0\"");
  }

  @Test
  void should_index_rules_by_event_type() {
    RuleSet rules = load(VALID.replace("enabled: false", "enabled: true"));

    assertThat(rules.rulesFor("signup"))
        .extracting(Rule::id)
        .containsExactly("repeat-ip-signups", "big-carts");
    assertThat(rules.rulesFor("login")).extracting(Rule::id).containsExactly("big-carts", "logins");
    assertThat(rules.rulesFor("pixel_claimed"))
        .extracting(Rule::id)
        .containsExactly("big-carts", "logins");
    assertThat(rules.rulesFor("page_view")).extracting(Rule::id).containsExactly("big-carts");
  }

  @Test
  void should_accept_a_single_rule_mapping_and_an_empty_file() {
    RuleSet single = load("id: one\ndetect: {threshold: {group_by: [ip], count: 1, within: 1s}}\n");

    assertThat(single.rules()).extracting(Rule::id).containsExactly("one");
    assertThat(load("").size()).isZero();
    assertThat(load("# no rules yet\n").size()).isZero();
  }

  private static final String RULE =
      """
      - id: cart-abandon
        on: [add_to_cart]
        where: "event.properties.price > 10"
        detect:
          threshold: {group_by: [userId], count: 20, within: 60s}
        cooldown: 1h
        notify: [klaviyo]
      """;

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "within: 60s | within: 0s | config/rules/cart.yaml:5:56 rule cart-abandon:"
            + " detect.threshold.within: must be > 0s, was \"0s\"",
        "within: 60s | within: 31d | config/rules/cart.yaml:5:56 rule cart-abandon:"
            + " detect.threshold.within: must be <= 30d, was \"31d\"",
        "within: 60s | within: soon | config/rules/cart.yaml:5:56 rule cart-abandon:"
            + " detect.threshold.within: must be a duration such as 500ms, 60s, 5m, 1h, 30d or"
            + " 1h30m (units d, h, m, s, ms; largest first), was \"soon\"",
        ", within: 60s | '' | config/rules/cart.yaml:5:16 rule cart-abandon:"
            + " detect.threshold.within: is required",
        "count: 20 | count: twenty | config/rules/cart.yaml:5:44 rule cart-abandon:"
            + " detect.threshold.count: must be an integer >= 1, was \"twenty\"",
        "count: 20 | count: 1000001 | config/rules/cart.yaml:5:44 rule cart-abandon:"
            + " detect.threshold.count: must be an integer <= 1000000, was \"1000001\"",
        "group_by: [userId] | group_by: [] | config/rules/cart.yaml:5:27 rule cart-abandon:"
            + " detect.threshold.group_by: must not be empty, was a list",
        "group_by: [userId] | group_by: [userid] | config/rules/cart.yaml:5:28 rule cart-abandon:"
            + " detect.threshold.group_by[0]: must be an event field (id, source, type, userId,"
            + " anonymousId, ip, geo.lat, geo.lon, properties.<name> or context.<name>), was"
            + " \"userid\", did you mean `userId`?",
        "group_by: [userId] | group_by: [propertes.cartId] | config/rules/cart.yaml:5:28 rule"
            + " cart-abandon: detect.threshold.group_by[0]: must be an event field (id, source,"
            + " type, userId, anonymousId, ip, geo.lat, geo.lon, properties.<name> or"
            + " context.<name>), was \"propertes.cartId\", did you mean `properties.cartId`?",
        "group_by: [userId] | group_by: [properties.] | config/rules/cart.yaml:5:28 rule"
            + " cart-abandon: detect.threshold.group_by[0]: must be an event field (id, source,"
            + " type, userId, anonymousId, ip, geo.lat, geo.lon, properties.<name> or"
            + " context.<name>), was \"properties.\"",
        "count: 20 | count: 20, distinct: userId | config/rules/cart.yaml:5:58 rule cart-abandon:"
            + " detect.threshold.distinct: must not be one of group_by, was \"userId\"",
        "count: 20 | count: 20, window: 5m | config/rules/cart.yaml:5:48 rule cart-abandon:"
            + " detect.threshold.window: unknown field (known: count, distinct, group_by, on_fire,"
            + " within)",
        "cooldown: 1h | severity: urgent | config/rules/cart.yaml:6:13 rule cart-abandon:"
            + " severity: must be one of info, low, medium, high, critical, was \"urgent\"",
        "cooldown: 1h | labels: [a] | config/rules/cart.yaml:6:11 rule cart-abandon: labels: must"
            + " be a mapping, was a list",
        "cooldown: 1h | labels: {Team: x} | config/rules/cart.yaml:6:12 rule cart-abandon:"
            + " labels.Team: label key must match [a-z0-9][a-z0-9_.-]{0,63}, was \"Team\"",
        "cooldown: 1h | labels: {team: [x]} | config/rules/cart.yaml:6:18 rule cart-abandon:"
            + " labels.team: must be a string, was a list",
        "count: 20 | count: 20, on_fire: again | config/rules/cart.yaml:5:57 rule cart-abandon:"
            + " detect.threshold.on_fire: must be reset or keep, was \"again\"",
        "count: 20 | count: 20, withn: 5m | config/rules/cart.yaml:5:48 rule cart-abandon:"
            + " detect.threshold.withn: unknown field, did you mean `within`?",
        "threshold: | thresold: | config/rules/cart.yaml:5:5 rule cart-abandon: detect.thresold:"
            + " unknown detector kind, did you mean `threshold`? (known kinds: absence, sequence, threshold, velocity)",
        "threshold: | histogram: | config/rules/cart.yaml:5:5 rule cart-abandon:"
            + " detect.histogram: unknown detector kind (known kinds: absence, sequence,"
            + " threshold, velocity)",
        "cooldown: 1h | cooldown: -1h | config/rules/cart.yaml:6:13 rule cart-abandon: cooldown:"
            + " must be a duration such as 500ms, 60s, 5m, 1h, 30d or 1h30m (units d, h, m, s, ms;"
            + " largest first), was \"-1h\"",
        "notify: [klaviyo] | notify: [klavyio] | config/rules/cart.yaml:7:12 rule cart-abandon:"
            + " notify[0]: unknown destination `klavyio`; known: crm-alerts, klaviyo; did you mean"
            + " `klaviyo`?",
        "notify: [klaviyo] | notify: slack | config/rules/cart.yaml:7:11 rule cart-abandon:"
            + " notify: unknown destination `slack`; known: crm-alerts, klaviyo",
        "on: [add_to_cart] | on: {type: x} | config/rules/cart.yaml:2:7 rule cart-abandon: on:"
            + " must be a string or a list of strings, was a mapping",
        "cooldown: 1h | cooldwn: 1h | config/rules/cart.yaml:6:3 rule cart-abandon: cooldwn:"
            + " unknown field, did you mean `cooldown`?",
        "cooldown: 1h | enabled: maybe | config/rules/cart.yaml:6:12 rule cart-abandon: enabled:"
            + " must be true or false, was \"maybe\"",
        "cooldown: 1h | version: [1] | config/rules/cart.yaml:6:12 rule cart-abandon: version:"
            + " must be a string or an integer, was a list",
        "- id: cart-abandon | - id: Cart Abandon | config/rules/cart.yaml:1:7 id: must match"
            + " [a-z0-9][a-z0-9._-]{0,63}, was \"Cart Abandon\"",
        "event.properties.price > 10 | evnt.properties.price > 10 | config/rules/cart.yaml:3:11"
            + " rule cart-abandon: where: undeclared reference to 'evnt'",
        "event.properties.price > 10 | event.properties.price > | config/rules/cart.yaml:3:35 rule"
            + " cart-abandon: where: syntax error: mismatched input '<EOF>' expecting {'[', '{',"
            + " '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING,"
            + " BYTES, IDENTIFIER}",
        "event.properties.price > 10 | event.properties.price + 1 | config/rules/cart.yaml:3:11"
            + " rule cart-abandon: where: must be a bool expression, was int",
      })
  void should_report_each_kind_of_error_with_its_position(
      String replace, String with, String expected) {
    assertThat(RULE).contains(replace);

    assertThat(problems(RULE.replace(replace, with))).containsExactly(expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "detect: {} | config/rules/cart.yaml:2:11 rule r: detect: must name a detector kind (known"
            + " kinds: absence, sequence, threshold, velocity)",
        "detect: 5 | config/rules/cart.yaml:2:11 rule r: detect: must be a mapping, was \"5\"",
        "notify: [] | config/rules/cart.yaml:1:3 rule r: detect: is required",
        "detect: {threshold: {group_by: [ip], count: 1, within: 1s}, histogram: {}} |"
            + " config/rules/cart.yaml:2:63 rule r: detect.histogram: unknown detector kind (known"
            + " kinds: absence, sequence, threshold, velocity)",
        "detect: {threshold: [ip]} | config/rules/cart.yaml:2:23 rule r: detect.threshold: must"
            + " be a mapping, was a list"
      })
  void should_require_exactly_one_known_detector_kind(String detect, String expected) {
    assertThat(problems("- id: r\n  " + detect + "\n")).containsExactly(expected);
  }

  @Test
  void should_omit_the_rule_prefix_when_the_id_is_unknown() {
    assertThat(
            problems(
                "- name: cart-abandon\n  detect: {threshold: {group_by: [ip], count: 1, within:"
                    + " 1s}}\n"))
        .containsExactly(
            "config/rules/cart.yaml:1:3 name: unknown field (known: cooldown, description, detect,"
                + " enabled, id, labels, new_keys, notify, on, severity, version, where)",
            "config/rules/cart.yaml:1:3 id: is required");
  }

  @Test
  void should_read_on_fire_and_version_it_only_when_not_the_default() {
    Rule plain = load(RULE).rule("cart-abandon").orElseThrow();
    Rule reset =
        load(RULE.replace("within: 60s", "within: 60s, on_fire: reset"))
            .rule("cart-abandon")
            .orElseThrow();
    Rule keep =
        load(RULE.replace("within: 60s", "within: 60s, on_fire: keep"))
            .rule("cart-abandon")
            .orElseThrow();

    assertThat(((ThresholdSpec) plain.detector()).onFire()).isEqualTo(ThresholdSpec.OnFire.RESET);
    assertThat(((ThresholdSpec) keep.detector()).onFire()).isEqualTo(ThresholdSpec.OnFire.KEEP);
    assertThat(reset.version()).isEqualTo(plain.version());
    assertThat(keep.version()).isNotEqualTo(plain.version());
  }

  @Test
  void should_read_severity_and_labels_without_changing_the_version() {
    Rule plain = load(RULE).rule("cart-abandon").orElseThrow();
    Rule tagged =
        load(RULE.replace(
                "cooldown: 1h",
                "cooldown: 1h\n  severity: high\n  labels: {team: growth, channel: email}"))
            .rule("cart-abandon")
            .orElseThrow();

    assertThat(plain.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(plain.labels()).isEmpty();
    assertThat(tagged.severity()).isEqualTo(Severity.HIGH);
    assertThat(tagged.labels())
        .containsExactly(Map.entry("team", "growth"), Map.entry("channel", "email"));
    assertThat(tagged.version()).as("metadata, not detection logic").isEqualTo(plain.version());
  }
}
