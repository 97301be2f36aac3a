package dev.tripline.gateway.backtest;

import dev.tripline.detectors.DetectorLimits;
import dev.tripline.gateway.config.GatewayConfig;
import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.store.EventStoreOptions;
import dev.tripline.rules.RuleSet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Replays the stored events of a time range through candidate rules, and optionally the live rules
 * side by side, in event time, storing and sending nothing (see {@link Replay}). The events are
 * read once, in event-time order, one batch at a time ({@link StoredEvents}), from the store {@link
 * StoreAccess} finds.
 */
public final class Backtest {

  /** Events per batch read from the store. */
  static final int BATCH_SIZE = 1000;

  /** How long a read waits for the store by default. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(5);

  private Backtest() {}

  /** A rule set and the directory it was loaded from. */
  public record Rules(String dir, RuleSet rules) {

    public Rules {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(rules, "rules");
    }
  }

  /**
   * What to replay.
   *
   * @param from the first event time replayed, inclusive
   * @param to the end, exclusive for events; timers due by it fire
   * @param candidate the rules under test
   * @param live the rules to compare them with, if any
   * @param limits the detectors' memory bounds, as the gateway has them
   * @param destinations the configured destinations, whose frequency caps the webhook counts apply
   */
  public record Plan(
      Instant from,
      Instant to,
      Rules candidate,
      Optional<Rules> live,
      DetectorLimits limits,
      Map<String, Destination> destinations) {

    public Plan {
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("from: must be before to, was " + from + " and " + to);
      }
      Objects.requireNonNull(candidate, "candidate");
      Objects.requireNonNull(live, "live");
      Objects.requireNonNull(limits, "limits");
      destinations = Map.copyOf(destinations);
    }
  }

  /**
   * Runs a backtest on a context of its own.
   *
   * @param readTimeout the longest wait for the next events from the store, the first included (a
   *     store without an index on {@code timestamp} sorts the whole range before it replies)
   * @return the report; fails with {@link dev.tripline.gateway.store.StoreUnavailableException}
   *     when the store cannot be reached or read, or with {@link IllegalArgumentException} when the
   *     configuration or a rule cannot be used
   */
  public static Future<BacktestReport> run(
      Vertx vertx, GatewayConfig.Mongo mongo, Duration readTimeout, Plan plan) {
    Promise<BacktestReport> report = Promise.promise();
    // one context for the reads and the engines, which are single-threaded
    vertx
        .getOrCreateContext()
        .runOnContext(v -> replay(vertx, mongo, readTimeout, plan).onComplete(report));
    return report.future();
  }

  private static Future<BacktestReport> replay(
      Vertx vertx, GatewayConfig.Mongo mongo, Duration readTimeout, Plan plan) {
    Replay replay;
    try {
      replay =
          new Replay(
              plan.from(),
              plan.to(),
              plan.candidate(),
              plan.live(),
              plan.limits(),
              plan.destinations());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return StoreAccess.open(vertx, mongo, readTimeout)
        .compose(
            access ->
                new StoredEvents(
                        vertx,
                        access.client(),
                        EventStoreOptions.DEFAULT_COLLECTION,
                        readTimeout,
                        BATCH_SIZE)
                    .forEach(plan.from(), plan.to(), replay::accept)
                    .map(skipped -> replay.finish(access.description(), skipped))
                    .eventually(access::close));
  }
}
