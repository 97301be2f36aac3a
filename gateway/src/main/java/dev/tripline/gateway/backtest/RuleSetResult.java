package dev.tripline.gateway.backtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * What one rule set would have done over the replayed events.
 *
 * @param dir the directory the rules were loaded from
 * @param rules each enabled rule's result, in rule order
 */
public record RuleSetResult(String dir, List<RuleResult> rules) {

  public RuleSetResult {
    rules = List.copyOf(rules);
  }

  /** The rule with this id, if the set has it. */
  public Optional<RuleResult> rule(String id) {
    return rules.stream().filter(rule -> rule.id().equals(id)).findFirst();
  }

  /** Detections of all rules. */
  public long detections() {
    return rules.stream().mapToLong(RuleResult::detections).sum();
  }

  /** Distinct (rule, key) pairs: each rule's keys, summed. */
  public long keys() {
    return rules.stream().mapToLong(RuleResult::keys).sum();
  }

  /** Webhooks of all rules. */
  public long webhooks() {
    return rules.stream().mapToLong(RuleResult::webhooks).sum();
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("dir", dir)
        .put("rules", new JsonArray(rules.stream().map(RuleResult::toJson).toList()))
        .put(
            "totals",
            new JsonObject()
                .put("detections", detections())
                .put("keys", keys())
                .put("webhooks", webhooks()));
  }
}
