package dev.tripline.gateway.ruletest;

import dev.tripline.detectors.Detection;
import dev.tripline.detectors.DetectionEngine;
import dev.tripline.detectors.DetectorLimits;
import dev.tripline.detectors.EngineObserver;
import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.delivery.SimulatedCaps;
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
 * evt-1}, {@code evt-2}, ... so detection ids are stable; {@code {n}} in an event's strings is the
 * number of the copy of a repeated event, so {@code userId: "u{n}"} makes a user per copy). Timers
 * (absence, sequence) fire when the fake clock passes their due time, at each {@code advance} and
 * between repeated events. Nothing is stored or sent: the webhook count is what the gateway would
 * send, each detection's configured destinations (cooldowns already held back the detections they
 * suppress) less the deliveries a destination's {@code frequency_cap} holds back, judged as the
 * gateway does ({@link SimulatedCaps}, in memory, by the fake clock's {@code detectedAt}). Each
 * test starts with empty caps.
 */
public final class RuleTestRunner {

  /** In a step's event, replaced by the number of the copy: {@code userId: "u{n}"}. */
  static final String COPY_NUMBER = "{n}";

  /** Fixture timestamps may lie anywhere relative to the fake clock. */
  private static final Duration ANY_SKEW = Duration.ofDays(365L * 100);

  private final RuleSet rules;
  private final Map<String, Destination> destinations;

  /**
   * @param rules the rules under test
   * @param destinations the configured destinations by id, whose frequency caps the webhook count
   *     applies; rules name only these (the loader checks {@code notify:} against them), and one
   *     missing here counts as a destination without a cap
   */
  public RuleTestRunner(RuleSet rules, Map<String, Destination> destinations) {
    this.rules = rules;
    this.destinations = Map.copyOf(destinations);
  }

  /**
   * What a test produced, and whether that is what it expected.
   *
   * @param actualWebhooks the webhooks the gateway would send
   * @param cappedWebhooks the deliveries frequency caps held back (not in {@code actualWebhooks})
   */
  public record Result(
      RuleTestCase test,
      List<String> actual,
      int actualWebhooks,
      int cappedWebhooks,
      String error) {

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
            .append(
                cappedWebhooks == 0 ? "" : " (" + cappedWebhooks + " held back by frequency caps)")
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
    Outcome outcome = new Outcome(new SimulatedCaps(destinations));
    for (Step step : test.steps()) {
      if (step instanceof Advance advance) {
        clock.advance(advance.by());
        outcome.collect(engine.advance(clock.now));
        continue;
      }
      EventStep events = (EventStep) step;
      for (int i = 0; i < events.repeat(); i++) {
        if (i > 0) {
          clock.advance(events.every());
          outcome.collect(engine.advance(clock.now));
        }
        JsonObject json = numbered(events.event(), i + 1);
        Event event;
        try {
          event =
              parser.parse(
                  json,
                  EventParser.Arrival.open(
                      "test", json.getValue("ip") instanceof String ip ? ip : null, clock.now));
        } catch (HttpException e) {
          return outcome.result(test, events.where() + ".event: " + e.getMessage());
        }
        if (events.profile() != null) {
          event = event.withProfile(events.profile());
        }
        outcome.collect(engine.process(event));
      }
    }
    return outcome.result(test, null);
  }

  /** What one test's detections add up to. */
  private final class Outcome {
    private final SimulatedCaps caps;
    private final List<String> detections = new ArrayList<>();
    private int webhooks;
    private int capped;

    Outcome(SimulatedCaps caps) {
      this.caps = caps;
    }

    /** Counts the detections and the webhooks they make, as the gateway's delivery would. */
    void collect(List<Detection> fired) {
      for (Detection detection : fired) {
        detections.add(render(detection.ruleId(), detection.key()));
        SimulatedCaps.Count count = caps.count(detection);
        webhooks += count.sent();
        capped += count.capped();
      }
    }

    Result result(RuleTestCase test, String error) {
      return new Result(test, detections, webhooks, capped, error);
    }
  }

  /** The event with {@code {n}} in its strings replaced by the copy's number, 1 to repeat. */
  private static JsonObject numbered(JsonObject event, int n) {
    String text = event.encode();
    return text.contains(COPY_NUMBER)
        ? new JsonObject(text.replace(COPY_NUMBER, Integer.toString(n)))
        : event;
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
