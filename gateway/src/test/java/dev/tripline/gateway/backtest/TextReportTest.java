package dev.tripline.gateway.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TextReportTest {

  private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-11-08T00:00:00Z");

  private static RuleResult rule(
      String id,
      long detections,
      long conditionErrors,
      long evicted,
      long refused,
      long newKeysRefused,
      long pending) {
    return new RuleResult(
        id,
        "absence",
        "v1",
        List.of("crm"),
        detections,
        detections,
        detections,
        0,
        conditionErrors,
        evicted,
        refused,
        newKeysRefused,
        pending);
  }

  @Test
  void should_list_what_a_rule_author_should_know_under_the_table() {
    BacktestReport report =
        new BacktestReport(
            "MongoDB at db:27017",
            FROM,
            TO,
            1200,
            2,
            Optional.of("_id 7: type: must be a string, was absent"),
            new RuleSetResult(
                "rules", List.of(rule("carts", 4, 3, 0, 5, 9, 12), rule("ok", 1, 0, 0, 0, 0, 0))),
            Optional.of(new RuleSetResult("live", List.of(rule("carts", 4, 0, 7, 0, 0, 0)))));

    assertThat(TextReport.render(report))
        .startsWith(
            "backtest of rules against the live rules of live, reading MongoDB at db:27017\n"
                + "events with event time in [2026-11-01T00:00:00Z, 2026-11-08T00:00:00Z): 1200"
                + " replayed\n")
        .endsWith(
            "notes:\n"
                + "  2 stored document(s) in the range are not events and were skipped (first: _id"
                + " 7: type: must be a string, was absent)\n"
                + "  candidate carts: a condition failed on 3 event(s), counted as no match\n"
                + "  candidate carts: 5 start(s) refused: the rule held its most timers\n"
                + "  candidate carts: 9 event(s) of new keys refused by the new_keys rate\n"
                + "  candidate carts: 12 timer(s) still open at the end, due after it\n"
                + "  live carts: 7 key(s) evicted at detectors.max-keys-per-rule, their state"
                + " lost\n");
  }

  @Test
  void should_mark_a_rule_only_by_its_version_not_by_its_results() {
    BacktestReport report =
        new BacktestReport(
            "s",
            FROM,
            TO,
            0,
            0,
            Optional.empty(),
            new RuleSetResult("c", List.of(rule("same", 1, 0, 0, 0, 0, 0))),
            Optional.of(new RuleSetResult("l", List.of(rule("same", 3, 0, 0, 0, 0, 0)))));

    assertThat(TextReport.render(report))
        .contains(
            "same   absence          1     3    -2          1     3    -2          1     3    -2\n")
        .doesNotContain("changed")
        .doesNotContain("notes:");
  }
}
