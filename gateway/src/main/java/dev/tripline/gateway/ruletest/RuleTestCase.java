package dev.tripline.gateway.ruletest;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One test of a rule fixture file: steps fed to the rules in memory with a fake clock, and what
 * must come out.
 *
 * @param file the fixture file, for messages
 * @param name the test's {@code name:}
 * @param start the fake clock's start ({@code start:}, default {@link RuleTestFixtures#START})
 * @param steps events and clock advances, in order
 * @param detections the expected detections, in firing order
 * @param webhooks the expected number of outbound webhooks, or null when not checked
 */
public record RuleTestCase(
    String file,
    String name,
    Instant start,
    List<Step> steps,
    List<ExpectedDetection> detections,
    Integer webhooks) {

  /** A step of a test. */
  public sealed interface Step permits EventStep, Advance {}

  /**
   * An event in the canonical ingest shape, sent {@code repeat} times, {@code every} apart (the
   * clock advances by {@code every} after each copy); without {@code timestamp} an event happens at
   * the clock's time; without {@code id} each copy gets a fresh one. {@code profile} (or null) is
   * what rules see as {@code event.profile}, as if the user had been identified with it.
   */
  public record EventStep(
      JsonObject event, int repeat, Duration every, String where, Map<String, Object> profile)
      implements Step {}

  /** The fake clock moves forward. */
  public record Advance(Duration by) implements Step {}

  /** A detection the test expects: the rule that fired and the key it fired for. */
  public record ExpectedDetection(String rule, Map<String, Object> key) {

    /** How detections are compared and shown: {@code rule {"ip":"203.0.113.7"}}. */
    public String render() {
      return RuleTestRunner.render(rule, key);
    }
  }
}
