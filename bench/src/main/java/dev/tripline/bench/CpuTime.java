package dev.tripline.bench;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of the bench's child processes, read from the OS ({@link ProcessHandle.Info}), so that a
 * scenario can say where the machine's cores went: the server, the stand-in store, the load.
 */
final class CpuTime {

  private CpuTime() {}

  /** Total CPU time (user + system) so far of each named process; zero when the OS hides it. */
  static Map<String, Duration> of(Map<String, Long> pids) {
    Map<String, Duration> cpu = new LinkedHashMap<>();
    pids.forEach(
        (name, pid) ->
            cpu.put(
                name,
                ProcessHandle.of(pid)
                    .flatMap(handle -> handle.info().totalCpuDuration())
                    .orElse(Duration.ZERO)));
    return cpu;
  }

  /**
   * Per process: CPU seconds between the snapshots and CPU microseconds per event of the load's
   * result ({@code events}, counted over the same window).
   */
  static JsonObject perEvent(
      Map<String, Duration> before, Map<String, Duration> after, JsonObject result) {
    long events = Math.max(1, result.getLong("events", 0L));
    JsonObject json = new JsonObject();
    after.forEach(
        (name, end) -> {
          double seconds = end.minus(before.getOrDefault(name, Duration.ZERO)).toNanos() / 1e9;
          json.put(
              name,
              new JsonObject()
                  .put("seconds", Math.round(seconds * 100) / 100.0)
                  .put("usPerEvent", Math.round(seconds * 1e7 / events) / 10.0));
        });
    return json;
  }
}
