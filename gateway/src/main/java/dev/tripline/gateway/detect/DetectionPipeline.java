package dev.tripline.gateway.detect;

import dev.tripline.detectors.Detection;
import dev.tripline.detectors.DetectionEngine;
import dev.tripline.rules.Event;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs durably stored events through the detection engine and hands each detection on: first it is
 * recorded in the {@link DetectionStore}, then given to delivery (which writes its outbox before
 * any attempt).
 *
 * <p>The engine is single-threaded by design, so every event is processed on one Vert.x context,
 * the one this pipeline was created on; {@link #submit} may be called from any thread. Recording a
 * detection is retried with a capped backoff while the store is unavailable, so a MongoDB hiccup
 * does not lose a trigger; at most {@code maxPending} detections wait, beyond which new ones are
 * dropped and logged (the store has been down for a long time by then).
 *
 * <p>Timers (absence, sequence) are fired by a periodic tick on the same context: every {@code
 * timerTick} the engine is advanced to the clock's now, and the detections of due timers take the
 * same path as those of events. A reload {@linkplain #replaceEngine replaces the engine} on the
 * context too, between two events, so an event is always seen by exactly one rule set.
 */
public final class DetectionPipeline {

  private static final Logger log = LoggerFactory.getLogger(DetectionPipeline.class);
  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Context context;
  private DetectionEngine engine;
  private final InstantSource clock;
  private final Duration timerTick;
  private long ticker = -1;
  private final DetectionStore store;
  private final Function<Detection, Future<Void>> delivery;
  private final Consumer<Detection> onDetection;
  private final int maxPending;
  private int pending;

  /**
   * @param delivery enqueues a detection's deliveries durably
   * @param onDetection told of every new detection (metrics)
   */
  public DetectionPipeline(
      Vertx vertx,
      DetectionEngine engine,
      DetectionStore store,
      Function<Detection, Future<Void>> delivery,
      Consumer<Detection> onDetection,
      int maxPending,
      InstantSource clock,
      Duration timerTick) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.engine = engine;
    this.clock = clock;
    this.timerTick = timerTick;
    this.store = store;
    this.delivery = delivery;
    this.onDetection = onDetection;
    this.maxPending = maxPending;
  }

  /** Processes the events, in order, on the pipeline's context. */
  public void submit(List<Event> events) {
    context.runOnContext(v -> events.forEach(this::process));
  }

  /** Starts firing due timers every tick; a no-op when no rule keeps timers at the time. */
  public void start() {
    context.runOnContext(
        v -> ticker = vertx.setPeriodic(timerTick.toMillis(), t -> handle(engine.advance(now()))));
  }

  /** Stops the timer tick; pending timers stay where they are (persisted). */
  public void stop() {
    context.runOnContext(
        v -> {
          if (ticker >= 0) {
            vertx.cancelTimer(ticker);
            ticker = -1;
          }
        });
  }

  /** Fires what is due now, at once: used after restoring timers, not to wait a tick. */
  public Future<Void> fireDue() {
    return onContext(e -> handle(e.advance(now())));
  }

  /**
   * Runs {@code action} with the engine on the pipeline's context, so that it sees the engine
   * between two events. For admin queries, restores and reloads.
   */
  public <T> Future<T> withEngine(Function<DetectionEngine, T> action) {
    return onContext(action);
  }

  /** Swaps the engine between two events; returns the one it replaced. */
  public Future<DetectionEngine> replaceEngine(Function<DetectionEngine, DetectionEngine> next) {
    return onContext(
        current -> {
          engine = next.apply(current);
          return current;
        });
  }

  private <T> Future<T> onContext(Function<DetectionEngine, T> action) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    context.runOnContext(
        v -> {
          try {
            promise.complete(action.apply(engine));
          } catch (RuntimeException e) {
            promise.fail(e);
          }
        });
    return promise.future();
  }

  private Void handle(List<Detection> detections) {
    detections.forEach(this::handle);
    return null;
  }

  private java.time.Instant now() {
    return clock.instant();
  }

  /** Detections recorded or being recorded but not yet handed to delivery. */
  public int pending() {
    return pending;
  }

  private void process(Event event) {
    for (Detection detection : engine.process(event)) {
      handle(detection);
    }
  }

  private void handle(Detection detection) {
    if (pending >= maxPending) {
      log.error(
          "drop detection, too many waiting for the store [rule: {}, id: {}]",
          detection.ruleId(),
          detection.id());
      return;
    }
    pending++;
    onDetection.accept(detection);
    record(detection, Duration.ofMillis(100));
  }

  private void record(Detection detection, Duration retryDelay) {
    store
        .insert(detection)
        .compose(stored -> delivery.apply(detection))
        .onSuccess(v -> pending--)
        .onFailure(
            failure -> {
              log.warn(
                  "retry recording detection [rule: {}, id: {}, in: {}ms, cause: {}]",
                  detection.ruleId(),
                  detection.id(),
                  retryDelay.toMillis(),
                  failure.toString());
              Duration next = retryDelay.multipliedBy(2);
              vertx.setTimer(
                  retryDelay.toMillis(),
                  t ->
                      record(
                          detection, next.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : next));
            });
  }
}
