package dev.tripline.gateway.ruletest;

import dev.tripline.detectors.Detection;
import dev.tripline.detectors.DetectionEngine;
import dev.tripline.detectors.DetectorLimits;
import dev.tripline.detectors.EngineObserver;
import dev.tripline.gateway.ruletest.RuleTestCase.Advance;
import dev.tripline.gateway.ruletest.RuleTestCase.EventStep;
import dev.tripline.gateway.ruletest.RuleTestCase.Step;
import dev.tripline.handlers.EventParser;
import dev.tripline.handlers.HttpException;
import dev.tripline.rules.Event;
import dev.tripline.rules.RuleSet;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link RuleTestCase} in memory: a fresh {@link DetectionEngine} over the rules, a fake
 * clock that moves only with the steps, events parsed exactly as {@code POST /v1/events} parses
 * them (an event's {@code ip} is taken as the address it arrives from; generated ids are {@code
 * evt-1}, {@code evt-2}, ... so detection ids are stable). Timers (absence, sequence) fire when the
 * fake clock passes their due time, at each {@code advance} and between repeated events. Nothing is
 * stored or sent: the webhook count is each detection's destinations, summed.
 */
public final class RuleTestRunner {

  /** Fixture timestamps may lie anywhere relative to the fake clock. */
  private static final Duration ANY_SKEW = Duration.ofDays(365L * 100);

  private final RuleSet rules;

  public RuleTestRunner(RuleSet rules) {
    this.rules = rules;
  }

  /** What a test produced, and whether that is what it expected. */
  public record Result(RuleTestCase test, List<String> actual, int actualWebhooks, String error) {

    public List<String> expected() {
      return test.detections().stream().map(RuleTestCase.ExpectedDetection::render).toList();
    }

    public boolean passed() {
      return error == null
          && actual.equals(expected())
          && (test.webhooks() == null || test.webhooks() == actualWebhooks);
    }

    /** A readable account of a failure: expected and actual side by side. */
    public String diff() {
      StringBuilder out = new StringBuilder();
      if (error != null) {
        out.append("  error: ").append(error).append('\n');
      }
      if (!actual.equals(expected())) {
        out.append("  detections expected (").append(expected().size()).append("):\n");
        expected().forEach(d -> out.append("    ").append(mark(d, actual)).append(d).append('\n'));
        out.append("  detections actual (").append(actual.size()).append("):\n");
        actual.forEach(d -> out.append("    ").append(mark(d, expected())).append(d).append('\n'));
      }
      if (test.webhooks() != null && test.webhooks() != actualWebhooks) {
        out.append("  webhooks: expected ")
            .append(test.webhooks())
            .append(", actual ")
            .append(actualWebhooks)
            .append('\n');
      }
      return out.toString();
    }

    private static String mark(String detection, List<String> other) {
      return other.contains(detection) ? "  " : "! ";
    }
  }

  public Result run(RuleTestCase test) {
    TestClock clock = new TestClock(test.start());
    DetectionEngine engine =
        new DetectionEngine(rules.rules(), clock, DetectorLimits.defaults(), EngineObserver.NOOP);
    AtomicLong ids = new AtomicLong();
    EventParser parser = new EventParser(ANY_SKEW, () -> "evt-" + ids.incrementAndGet());
    List<String> actual = new ArrayList<>();
    int webhooks = 0;
    for (Step step : test.steps()) {
      if (step instanceof Advance advance) {
        clock.advance(advance.by());
        webhooks += collect(engine.advance(clock.now), actual);
        continue;
      }
      EventStep events = (EventStep) step;
      for (int i = 0; i < events.repeat(); i++) {
        if (i > 0) {
          clock.advance(events.every());
          webhooks += collect(engine.advance(clock.now), actual);
        }
        JsonObject json = events.event();
        Event event;
        try {
          event =
              parser.parse(
                  json,
                  new EventParser.Arrival(
                      "test", json.getValue("ip") instanceof String ip ? ip : null, clock.now));
        } catch (HttpException e) {
          return new Result(test, actual, webhooks, events.where() + ".event: " + e.getMessage());
        }
        webhooks += collect(engine.process(event), actual);
      }
    }
    return new Result(test, actual, webhooks, null);
  }

  /** Adds the detections to {@code actual}; returns the webhooks they make. */
  private static int collect(List<Detection> detections, List<String> actual) {
    int webhooks = 0;
    for (Detection detection : detections) {
      actual.add(render(detection.ruleId(), detection.key()));
      webhooks += detection.destinations().size();
    }
    return webhooks;
  }

  static String render(String rule, Map<String, Object> key) {
    return rule + " " + new JsonObject(new LinkedHashMap<>(key)).encode();
  }

  private static final class TestClock implements InstantSource {
    private Instant now;

    TestClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
