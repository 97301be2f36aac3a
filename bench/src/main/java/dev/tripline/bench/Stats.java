package dev.tripline.bench;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one worker saw in the measured window: successes, refusals and latencies. Each worker owns
 * its own instance on its own event loop; the driver merges them once the workers have stopped.
 */
final class Stats {

  /** Latencies are recorded in microseconds, up to one minute, 3 significant digits. */
  private final Histogram latencyMicros = new Histogram(60_000_000L, 3);

  private long requests;
  private long events;
  private long accepted;
  private long duplicates;
  private long overloaded;
  private long failures;
  private final Map<String, Long> failureKinds = new TreeMap<>();

  /** A request (or frame) that succeeded, {@code latencyNanos} after it was first sent. */
  void success(int eventCount, int acceptedCount, int duplicateCount, long latencyNanos) {
    requests++;
    events += eventCount;
    accepted += acceptedCount;
    duplicates += duplicateCount;
    latencyMicros.recordValue(Math.min(Math.max(latencyNanos / 1000, 0), 60_000_000L));
  }

  /** A 503 (or an overload refusal on a WebSocket); the request is retried, not counted. */
  void overloaded() {
    overloaded++;
  }

  /** Any other non-2xx answer or a transport error, by kind ({@code 400}, {@code timeout}...). */
  void failure(String kind) {
    failures++;
    failureKinds.merge(kind, 1L, Long::sum);
  }

  static Stats merge(Collection<Stats> parts) {
    Stats total = new Stats();
    for (Stats part : parts) {
      total.latencyMicros.add(part.latencyMicros);
      total.requests += part.requests;
      total.events += part.events;
      total.accepted += part.accepted;
      total.duplicates += part.duplicates;
      total.overloaded += part.overloaded;
      total.failures += part.failures;
      part.failureKinds.forEach((kind, n) -> total.failureKinds.merge(kind, n, Long::sum));
    }
    return total;
  }

  /** The result line: rates over the measured window, latencies in milliseconds. */
  JsonObject toJson(double seconds) {
    return new JsonObject()
        .put("eventsPerSec", Math.round(events / seconds))
        .put("requestsPerSec", Math.round(requests / seconds))
        .put("p50Ms", millis(latencyMicros.getValueAtPercentile(50)))
        .put("p99Ms", millis(latencyMicros.getValueAtPercentile(99)))
        .put("maxMs", millis(latencyMicros.getMaxValue()))
        .put("requests", requests)
        .put("events", events)
        .put("accepted", accepted)
        .put("duplicates", duplicates)
        .put("overloaded503", overloaded)
        .put("failures", failures)
        .put("failureKinds", kinds());
  }

  private JsonObject kinds() {
    JsonObject kinds = new JsonObject();
    failureKinds.forEach(kinds::put);
    return kinds;
  }

  private static double millis(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }
}
