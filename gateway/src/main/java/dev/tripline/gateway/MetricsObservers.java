package dev.tripline.gateway;

import dev.tripline.detectors.EngineObserver;
import dev.tripline.detectors.KeyRefusal;
import dev.tripline.detectors.TimerState;
import dev.tripline.gateway.delivery.AttemptOutcome;
import dev.tripline.gateway.delivery.DeliveryObserver;
import dev.tripline.gateway.detect.MongoTimerStore;
import dev.tripline.gateway.http.HttpObserver;
import dev.tripline.gateway.metrics.GatewayMetrics;
import dev.tripline.gateway.store.WriterObserver;
import dev.tripline.handlers.IngestObserver;
import dev.tripline.handlers.LogText;
import dev.tripline.rules.ConditionException;
import dev.tripline.rules.Event;
import dev.tripline.rules.Rule;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Adapters from each module's observer interface to the gateway's metrics (and logs). */
final class MetricsObservers {

  private static final Logger log = LoggerFactory.getLogger(MetricsObservers.class);

  private MetricsObservers() {}

  /** Ingest outcomes from the handlers. */
  record Ingest(GatewayMetrics metrics) implements IngestObserver {
    @Override
    public void accepted(int n) {
      metrics.accepted(n);
    }

    @Override
    public void duplicates(int n) {
      metrics.duplicates(n);
    }

    @Override
    public void rejected(String reason) {
      metrics.rejected(reason);
    }

    @Override
    public void ingestLatency(Duration latency) {
      metrics.ingestLatency(latency);
    }

    @Override
    public void verificationFailed(String source, String reason) {
      metrics.verificationFailed(source, reason);
    }

    @Override
    public void rateLimited(String scope, String source) {
      metrics.rateLimited(scope, source);
    }
  }

  /** The HTTP server's edge: refused connections, read timeouts, codec failures. */
  record Http(GatewayMetrics metrics) implements HttpObserver {
    @Override
    public void connectionRefused() {
      metrics.connectionRefused();
    }

    @Override
    public void requestTimedOut() {
      metrics.requestTimedOut();
    }

    @Override
    public void malformedRequest(String reason) {
      metrics.malformedRequest(reason);
    }
  }

  /** The group-commit writer's batches. */
  record Writer(GatewayMetrics metrics) implements WriterObserver {
    @Override
    public void batchWritten(int size, int duplicates, Duration latency) {
      metrics.batchWritten(size, latency);
    }

    @Override
    public void batchFailed(int size, Duration latency, Throwable cause) {
      metrics.batchFailed();
    }
  }

  /** Outbound webhook attempts. */
  record Delivery(GatewayMetrics metrics) implements DeliveryObserver {
    @Override
    public void attempted(String destination, AttemptOutcome outcome, Duration latency) {
      metrics.delivery(destination, outcome.wireName(), latency);
    }

    @Override
    public void deadLettered(String destination, String deliveryId, int attempts) {
      metrics.deadLettered(destination);
      log.warn(
          "dead-letter delivery [id: {}, destination: {}, attempts: {}]",
          deliveryId,
          destination,
          attempts);
    }

    @Override
    public void capped(String destination) {
      metrics.deliveryCapped(destination);
    }

    @Override
    public void destinationDisabled(String destination, String reason) {
      metrics.destinationDisabled(destination, true);
    }

    @Override
    public void destinationEnabled(String destination) {
      metrics.destinationDisabled(destination, false);
    }

    @Override
    public void uncapped(String destination, String reason) {
      metrics.deliveryUncapped(destination, reason);
    }

    @Override
    public void queueFull(String destination) {
      metrics.deliveryDeferred(destination);
    }

    @Override
    public void breakerChanged(String destination, String state) {
      metrics.breakerChanged(destination, state);
    }

    @Override
    public void addressRefused(String destination, String reason) {
      metrics.deliveryAddressRefused(destination, reason);
    }

    @Override
    public void renderFailed(String destination) {
      metrics.deliveryRenderFailed(destination);
    }
  }

  /**
   * Detection engine housekeeping, condition failures, and timers (persisted through the store).
   */
  record Engine(GatewayMetrics metrics, MongoTimerStore timers, KeyRefusalLog refusals)
      implements EngineObserver {

    Engine(GatewayMetrics metrics, MongoTimerStore timers, InstantSource clock) {
      this(metrics, timers, new KeyRefusalLog(clock));
    }

    @Override
    public void conditionFailed(Rule rule, Event event, ConditionException failure) {
      metrics.conditionFailed(rule.id());
      log.debug(
          "skip event, condition failed [rule: {}, event: {}, cause: {}]",
          rule.id(),
          LogText.escape(event.id()),
          LogText.escape(failure.getMessage()));
    }

    @Override
    public void keysEvicted(Rule rule, int n) {
      metrics.keysEvicted(rule.id(), n);
    }

    @Override
    public void timerSaved(Rule rule, TimerState timer) {
      timers.saved(rule, timer);
    }

    @Override
    public void timerRemoved(Rule rule, List<Object> key) {
      timers.removed(rule, key);
    }

    @Override
    public void keyRefused(Rule rule, Event event, KeyRefusal reason) {
      metrics.keyRefused(rule.id(), reason.label());
      refusals.refused(rule.id(), reason);
    }
  }
}
