package dev.tripline.gateway.backtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What one rule would have done over the replayed events.
 *
 * @param id the rule's id
 * @param kind its detector kind ({@code threshold}, {@code absence}, ...)
 * @param version its version
 * @param destinations the destinations it notifies (its {@code notify:})
 * @param detections how many detections it made
 * @param keys how many distinct keys those detections were for
 * @param webhooks how many webhooks they would have made: detections × destinations, less those the
 *     destinations' frequency caps held back
 * @param webhooksCapped the webhooks frequency caps held back
 * @param conditionErrors events on which a condition failed to evaluate (counted as no match)
 * @param keysEvicted keys whose state was dropped at {@code detectors.max-keys-per-rule}
 * @param timersRefused starts refused because the rule held its most timers
 * @param newKeysRefused events of keys new to the rule refused by its {@code new_keys} rate
 * @param timersPending timers still open at the end, due after it
 */
public record RuleResult(
    String id,
    String kind,
    String version,
    List<String> destinations,
    long detections,
    long keys,
    long webhooks,
    long webhooksCapped,
    long conditionErrors,
    long keysEvicted,
    long timersRefused,
    long newKeysRefused,
    long timersPending) {

  public RuleResult {
    destinations = List.copyOf(destinations);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("kind", kind)
        .put("version", version)
        .put("notify", new JsonArray(destinations))
        .put("detections", detections)
        .put("keys", keys)
        .put("webhooks", webhooks)
        .put("webhooksCapped", webhooksCapped)
        .put("conditionErrors", conditionErrors)
        .put("keysEvicted", keysEvicted)
        .put("timersRefused", timersRefused)
        .put("newKeysRefused", newKeysRefused)
        .put("timersPending", timersPending);
  }
}
