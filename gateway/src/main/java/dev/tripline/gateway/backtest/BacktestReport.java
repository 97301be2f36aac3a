package dev.tripline.gateway.backtest;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * The result of a backtest: what the candidate rules (and, when compared, the live rules) would
 * have done with the stored events whose event time lies in [{@code from}, {@code to}).
 *
 * @param store where the events were read, for the reader (no credentials)
 * @param from the first event time replayed, inclusive
 * @param to the end of the replay, exclusive for events; timers due by it have fired
 * @param eventsRead events replayed
 * @param documentsSkipped stored documents in the range that are not valid events, not replayed
 * @param firstSkipped why the first of them was skipped
 * @param candidate the candidate rules' results
 * @param live the live rules' results, with {@code --compare}
 */
public record BacktestReport(
    String store,
    Instant from,
    Instant to,
    long eventsRead,
    long documentsSkipped,
    Optional<String> firstSkipped,
    RuleSetResult candidate,
    Optional<RuleSetResult> live) {

  /** The machine-readable form ({@code --json}). */
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("store", store)
            .put("from", from.toString())
            .put("to", to.toString())
            .put("eventsRead", eventsRead)
            .put("documentsSkipped", documentsSkipped)
            .put("candidate", candidate.toJson());
    firstSkipped.ifPresent(reason -> json.put("firstSkipped", reason));
    live.ifPresent(rules -> json.put("live", rules.toJson()));
    return json;
  }
}
