package dev.tripline.gateway;

import dev.tripline.detectors.KeyRefusal;
import dev.tripline.handlers.LogThrottle;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the detection engine's refusals of new keys without flooding the log: for each rule and
 * reason, the first refusal at once, then at most one line per {@link #INTERVAL}, whose {@code
 * refused} is how many refusals there were since the previous line. A flood of forged keys is
 * exactly when refusals come by the thousand a second; the metric {@code
 * tripline_detector_keys_refused_total} counts each.
 */
final class KeyRefusalLog {

  static final Duration INTERVAL = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(KeyRefusalLog.class);

  private final LongSupplier nanoTime;
  private final Map<String, LogThrottle> throttles = new ConcurrentHashMap<>();

  KeyRefusalLog(InstantSource clock) {
    this.nanoTime = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
  }

  /** Counts a refusal and logs it if the rule and reason have not been logged for a while. */
  void refused(String ruleId, KeyRefusal reason) {
    long left =
        throttles
            .computeIfAbsent(
                ruleId + ' ' + reason.label(), k -> new LogThrottle(INTERVAL, nanoTime))
            .admit();
    if (left >= 0) {
      log.warn(
          "refuse new keys [rule: {}, reason: {}, refused: {}]", ruleId, reason.label(), left + 1);
    }
  }
}
