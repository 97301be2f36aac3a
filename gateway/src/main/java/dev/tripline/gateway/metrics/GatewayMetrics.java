package dev.tripline.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The gateway's own meters, named {@code tripline_*} in Prometheus. One instance per gateway;
 * collaborators report through the small observer interfaces of their modules, which {@link
 * dev.tripline.gateway.Gateway} wires to these methods.
 */
public final class GatewayMetrics {

  private final MeterRegistry registry;
  private final Counter accepted;
  private final Counter duplicates;
  private final Timer ingestLatency;
  private final DistributionSummary writeBatchSize;
  private final Timer writeLatency;
  private final Map<String, AtomicInteger> disabledDestinations = new ConcurrentHashMap<>();

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.accepted =
        Counter.builder("tripline.events.accepted")
            .description("Events stored durably")
            .register(registry);
    this.duplicates =
        Counter.builder("tripline.events.duplicate")
            .description("Events dropped as re-sent duplicates of stored ones")
            .register(registry);
    this.ingestLatency =
        Timer.builder("tripline.ingest.latency")
            .description("From request or frame received to acknowledgement")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.writeBatchSize =
        DistributionSummary.builder("tripline.write.batch.size")
            .description("Events per group-committed bulk write")
            .register(registry);
    this.writeLatency =
        Timer.builder("tripline.write.latency")
            .description("Duration of one durable bulk write")
            .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void accepted(int n) {
    accepted.increment(n);
  }

  public void duplicates(int n) {
    duplicates.increment(n);
  }

  public void rejected(String reason) {
    Counter.builder("tripline.events.rejected")
        .description("Requests or frames rejected, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** A request to a configured webhook source failed verification (answered 401). */
  public void verificationFailed(String source, String reason) {
    Counter.builder("tripline.hooks.verification.failures")
        .description("Webhook requests that failed verification, by source and reason")
        .tag("source", source)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** A request went past a rate limit (answered 429); {@code scope} is source or ip. */
  public void rateLimited(String scope, String source) {
    Counter.builder("tripline.ingest.rate.limited")
        .description("Ingest requests refused by a rate limit, by scope and source")
        .tag("scope", scope)
        .tag("source", source)
        .register(registry)
        .increment();
  }

  public void ingestLatency(Duration latency) {
    ingestLatency.record(latency);
  }

  public void batchWritten(int size, Duration latency) {
    writeBatchSize.record(size);
    writeLatency.record(latency);
  }

  public void batchFailed() {
    Counter.builder("tripline.write.batch.failures")
        .description("Bulk writes that failed; their requests were answered 503")
        .register(registry)
        .increment();
  }

  public void queueDepth(Supplier<Number> depth) {
    Gauge.builder("tripline.write.queue.depth", depth)
        .description("Events waiting for or in a durable write")
        .register(registry);
  }

  /** The gauge of user profiles held in memory for {@code event.profile}. */
  public void profilesCached(Supplier<Number> size) {
    Gauge.builder("tripline.profiles.cached", size)
        .description("User profiles (or their absence) held in memory for event.profile")
        .register(registry);
  }

  /** A profile load for detection failed or timed out; its events went on without profiles. */
  public void profileLoadFailed() {
    Counter.builder("tripline.profile.load.failures")
        .description("Profile loads for detection that failed; their events had no event.profile")
        .register(registry)
        .increment();
  }

  public void detection(String ruleId) {
    Counter.builder("tripline.detections")
        .description("Detections, by rule")
        .tag("rule", ruleId)
        .register(registry)
        .increment();
  }

  public void conditionFailed(String ruleId) {
    Counter.builder("tripline.rule.condition.errors")
        .description("where: conditions that failed to evaluate (treated as no match)")
        .tag("rule", ruleId)
        .register(registry)
        .increment();
  }

  public void keysEvicted(String ruleId, int n) {
    Counter.builder("tripline.detector.keys.evicted")
        .description("Detector keys evicted to keep state bounded")
        .tag("rule", ruleId)
        .register(registry)
        .increment(n);
  }

  /**
   * A rule refused a key it held no state for; {@code reason} is {@code max_timers} (at
   * detectors.max-timers-per-rule) or {@code new_key_rate} (past its new_keys rate).
   */
  public void keyRefused(String ruleId, String reason) {
    Counter.builder("tripline.detector.keys.refused")
        .description(
            "Events of keys new to a rule that it refused, by rule and reason (max_timers:"
                + " detectors.max-timers-per-rule reached; new_key_rate: past the rule's new_keys rate)")
        .tag("rule", ruleId)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  public void rulesReloaded(String outcome) {
    Counter.builder("tripline.rules.reloads")
        .description("Rule reloads by outcome: applied, unchanged, invalid")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  public void deadLettered(String destination) {
    Counter.builder("tripline.deliveries.dead")
        .description("Deliveries given up on (dead-lettered), by destination")
        .tag("destination", destination)
        .register(registry)
        .increment();
  }

  public void deliveryCapped(String destination) {
    Counter.builder("tripline.deliveries.capped")
        .description(
            "Deliveries not sent because the destination's frequency cap was reached, by"
                + " destination")
        .tag("destination", destination)
        .register(registry)
        .increment();
  }

  public void deliveryUncapped(String destination, String reason) {
    Counter.builder("tripline.deliveries.uncapped")
        .description(
            "Deliveries to a destination with a frequency cap sent without the cap counting them,"
                + " by destination and reason (missing_key_field, cap_store_failed)")
        .tag("destination", destination)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  public void delivery(String destination, String outcome, Duration latency) {
    Counter.builder("tripline.deliveries")
        .description("Webhook delivery attempts, by destination and outcome")
        .tag("destination", destination)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
    Timer.builder("tripline.delivery.latency")
        .description("Duration of one outbound webhook attempt, by destination")
        .tag("destination", destination)
        .publishPercentiles(0.5, 0.99)
        .register(registry)
        .record(latency);
  }

  /**
   * Gauges of one destination's lane: deliveries queued in memory, attempts in flight, the
   * breaker's state (one series per state, 1 for the current one) and retries pending in the
   * outbox.
   */
  public void deliveryLane(
      String destination,
      Supplier<Number> queued,
      Supplier<Number> inFlight,
      Supplier<String> breakerState,
      Supplier<Number> retriesPending) {
    Gauge.builder("tripline.delivery.queue.depth", queued)
        .description("Due deliveries waiting in the destination's in-memory queue")
        .tag("destination", destination)
        .register(registry);
    Gauge.builder("tripline.delivery.in.flight", inFlight)
        .description("Webhook attempts to the destination in flight")
        .tag("destination", destination)
        .register(registry);
    for (String state : new String[] {"closed", "half_open", "open"}) {
      Gauge.builder(
              "tripline.delivery.breaker.state", () -> state.equals(breakerState.get()) ? 1 : 0)
          .description("The destination's circuit breaker: 1 for its current state")
          .tag("destination", destination)
          .tag("state", state)
          .register(registry);
    }
    Gauge.builder("tripline.delivery.retries.pending", retriesPending)
        .description(
            "Deliveries to the destination that failed at least once and wait for a retry (as of"
                + " the last count)")
        .tag("destination", destination)
        .register(registry);
  }

  public void breakerChanged(String destination, String state) {
    Counter.builder("tripline.delivery.breaker.transitions")
        .description("Circuit breaker state changes, by destination and new state")
        .tag("destination", destination)
        .tag("state", state)
        .register(registry)
        .increment();
  }

  public void deliveryDeferred(String destination) {
    Counter.builder("tripline.deliveries.deferred")
        .description("Due deliveries left in the outbox because the destination's queue was full")
        .tag("destination", destination)
        .register(registry)
        .increment();
  }

  public void deliveryRenderFailed(String destination) {
    Counter.builder("tripline.deliveries.render.failed")
        .description(
            "Deliveries dead-lettered at creation because their body could not be rendered (a"
                + " template failed, or the format needs a person the detection does not name), by"
                + " destination")
        .tag("destination", destination)
        .register(registry)
        .increment();
  }

  public void deliveryAddressRefused(String destination, String reason) {
    Counter.builder("tripline.deliveries.refused.address")
        .description(
            "Attempts not sent because the destination resolved to a refused (internal) address,"
                + " by destination and address class")
        .tag("destination", destination)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** Sets the {@code tripline_destination_disabled} gauge of a destination: 1 disabled, 0 not. */
  public void destinationDisabled(String destination, boolean disabled) {
    disabledDestinations
        .computeIfAbsent(
            destination,
            id -> {
              AtomicInteger value = new AtomicInteger();
              Gauge.builder("tripline.destination.disabled", value, AtomicInteger::get)
                  .description(
                      "1 while a destination is disabled (410 Gone, or failing for its"
                          + " disable_after) and its deliveries are held, else 0")
                  .tag("destination", id)
                  .register(registry);
              return value;
            })
        .set(disabled ? 1 : 0);
  }

  /** A new HTTP connection was closed at once: {@code http.max-connections} were open. */
  public void connectionRefused() {
    Counter.builder("tripline.http.connections.refused")
        .description("HTTP connections closed at once because http.max-connections were open")
        .register(registry)
        .increment();
  }

  /** An HTTP connection was closed: its request did not arrive within the read timeout. */
  public void requestTimedOut() {
    Counter.builder("tripline.http.request.timeouts")
        .description(
            "HTTP connections closed because a request did not arrive whole within"
                + " http.request-read-timeout")
        .register(registry)
        .increment();
  }

  /** The HTTP codec could not read a request. */
  public void malformedRequest(String reason) {
    Counter.builder("tripline.http.malformed.requests")
        .description("Requests the HTTP codec could not read, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** The gauge of open HTTP connections, across the server instances. */
  public void openConnections(Supplier<Number> open) {
    Gauge.builder("tripline.http.connections.open", open)
        .description("HTTP connections open now (WebSocket streams included)")
        .register(registry);
  }
}
