package dev.tripline.gateway.detect;

import dev.tripline.detectors.Detection;
import dev.tripline.detectors.DetectionEngine;
import dev.tripline.rules.Event;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
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
 */
public final class DetectionPipeline {

  private static final Logger log = LoggerFactory.getLogger(DetectionPipeline.class);
  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Context context;
  private final DetectionEngine engine;
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
      int maxPending) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.engine = engine;
    this.store = store;
    this.delivery = delivery;
    this.onDetection = onDetection;
    this.maxPending = maxPending;
  }

  /** Processes the events, in order, on the pipeline's context. */
  public void submit(List<Event> events) {
    context.runOnContext(v -> events.forEach(this::process));
  }

  /** Detections recorded or being recorded but not yet handed to delivery. */
  public int pending() {
    return pending;
  }

  private void process(Event event) {
    for (Detection detection : engine.process(event)) {
      if (pending >= maxPending) {
        log.error(
            "drop detection, too many waiting for the store [rule: {}, id: {}]",
            detection.ruleId(),
            detection.id());
        continue;
      }
      pending++;
      onDetection.accept(detection);
      record(detection, Duration.ofMillis(100));
    }
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
