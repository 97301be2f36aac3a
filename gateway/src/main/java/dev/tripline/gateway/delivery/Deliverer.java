package dev.tripline.gateway.delivery;

import dev.tripline.detectors.Detection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers detections to their destinations as signed Standard Webhooks, at least once.
 *
 * <p>Each delivery is written to the {@link DeliveryStore} outbox before it is attempted, and every
 * attempt is recorded there before the next step, so a crash or restart loses nothing: {@link
 * #start()} polls the outbox for due deliveries, which covers both retries and deliveries a
 * previous process left pending. A retry or a replay sends the same body with the same {@code
 * webhook-id}, so the receiver can deduplicate; the timestamp and the signature are fresh on each
 * attempt.
 *
 * <p>Within this process a delivery is never attempted twice at once (an in-flight set guards it).
 * Several processes sharing one outbox would need a lease on each delivery; that is not built yet.
 *
 * <p>Never blocks: every step is a future, every HTTP attempt is bounded by its destination's
 * timeout. Thread-safe: may be called from any context.
 */
public final class Deliverer {

  /** The {@code user-agent} of every attempt. */
  public static final String USER_AGENT = "Tripline/0.1";

  private static final Logger LOG = LoggerFactory.getLogger(Deliverer.class);

  private final Vertx vertx;
  private final WebClient client;
  private final DeliveryStore store;
  private final CapStore caps;
  private final Map<String, Destination> destinations;
  private final Map<String, WebhookSigner> signers;
  private final DeliveryOptions options;
  private final InstantSource clock;
  private final DeliveryObserver observer;

  /** Deliveries being attempted (or reserved for an attempt), each with its completion. */
  private final Map<String, Future<DeliveryStatus>> inFlight = new ConcurrentHashMap<>();

  /**
   * Deliveries whose attempt finished since the current poll began: the poll's query may have run
   * before their result was written, so what it read about them is stale.
   */
  private final Set<String> finishedDuringPoll = ConcurrentHashMap.newKeySet();

  private final AtomicBoolean polling = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile long timerId = -1;

  /**
   * @param vertx runs the poll timer
   * @param client sends the attempts; its lifecycle stays with the caller
   * @param store the outbox
   * @param caps the windows of the destinations' frequency caps
   * @param destinations the configured destinations by id
   * @param options retry policy, poll interval and concurrency limit
   * @param clock the time deliveries become due and the {@code webhook-timestamp} are taken from
   * @param observer told about attempts and dead letters, for metrics
   */
  public Deliverer(
      Vertx vertx,
      WebClient client,
      DeliveryStore store,
      CapStore caps,
      Map<String, Destination> destinations,
      DeliveryOptions options,
      InstantSource clock,
      DeliveryObserver observer) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.client = Objects.requireNonNull(client, "client");
    this.store = Objects.requireNonNull(store, "store");
    this.caps = Objects.requireNonNull(caps, "caps");
    this.destinations = Map.copyOf(destinations);
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.observer = Objects.requireNonNull(observer, "observer");
    Map<String, WebhookSigner> bySigner = new HashMap<>();
    this.destinations.forEach((id, d) -> bySigner.put(id, new WebhookSigner(d.secrets())));
    this.signers = Map.copyOf(bySigner);
  }

  /**
   * Writes one delivery per destination the detection names to the outbox, then attempts the new
   * ones at once rather than waiting for the next poll. Destinations that are not configured are
   * skipped with a warning (the rule loader rejects them, so this only happens if configuration
   * changed underneath). Submitting the same detection again adds nothing and sends nothing. Once
   * {@link #stop()} was called, deliveries are only written, for the next process to send.
   *
   * <p>A destination with a {@link FrequencyCap} is judged first, by the detection's {@code
   * detectedAt}, in the {@link CapStore}: a delivery over the cap is written as {@link
   * DeliveryStatus#CAPPED} and never attempted; the detection's other destinations are not
   * affected. A detection whose key lacks the cap's {@code per} field is not capped. When the cap
   * store fails, the delivery is sent anyway (fail open: a trigger is never lost to the cap, at the
   * price of maybe one message too many) and the failure is logged and reported to the observer. A
   * cap counts a delivery when it lets it through, before the outbox write, so a resubmission after
   * a failed write is recognised by its {@code webhook-id} and not capped by itself.
   *
   * @return completes once the deliveries are durably in the outbox (not when they are delivered)
   */
  public Future<Void> submit(Detection detection) {
    Instant now = clock.instant();
    List<Future<DeliveryRecord>> planned = new ArrayList<>();
    for (String destinationId : detection.destinations().stream().distinct().toList()) {
      Destination destination = destinations.get(destinationId);
      if (destination == null) {
        LOG.warn(
            "skip unknown destination [detection: {}, rule: {}, destination: {}]",
            detection.id(),
            detection.ruleId(),
            destinationId);
        continue;
      }
      String webhookId = WebhookIds.of(detection.id(), destinationId);
      String body;
      try {
        body = DeliveryPayloads.render(destination, detection, webhookId);
      } catch (RuntimeException e) {
        // a user template reading a field this detection lacks: nothing sensible to send
        LOG.warn(
            "skip delivery, cannot render template [detection: {}, rule: {}, destination: {},"
                + " error: {}]",
            detection.id(),
            detection.ruleId(),
            destinationId,
            e.getMessage());
        observe(o -> o.renderFailed(destinationId));
        continue;
      }
      DeliveryRecord record =
          DeliveryRecord.pending(
              webhookId,
              detection.id(),
              detection.ruleId(),
              destinationId,
              destination.displayUrl(),
              body,
              now);
      planned.add(
          destination
              .frequencyCap()
              .map(cap -> judge(record, cap, detection))
              .orElseGet(() -> Future.succeededFuture(record)));
    }
    if (planned.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.all(planned).compose(all -> enqueue(all.list()));
  }

  /** The record as it goes to the outbox under its destination's cap: pending, or capped. */
  private Future<DeliveryRecord> judge(
      DeliveryRecord record, FrequencyCap cap, Detection detection) {
    Optional<Object> subject = cap.subject(detection.key());
    if (subject.isEmpty()) {
      observe(o -> o.uncapped(record.destination(), DeliveryObserver.MISSING_KEY_FIELD));
      return Future.succeededFuture(record);
    }
    // compose: a store that throws instead of failing its future must not break the submission
    return Future.succeededFuture()
        .compose(
            ignored ->
                caps.admit(
                    record.destination(), cap, subject.get(), record.id(), detection.detectedAt()))
        .map(
            decision ->
                decision.allowed()
                    ? record
                    : record.capped(
                        "frequency cap reached: "
                            + cap.describe()
                            + "; free again at "
                            + decision.nextAllowedAt()))
        .otherwise(
            failure -> {
              LOG.warn(
                  "send uncapped, cannot check frequency cap [delivery: {}, destination: {},"
                      + " error: {}]",
                  record.id(),
                  record.destination(),
                  failure.getMessage());
              observe(o -> o.uncapped(record.destination(), DeliveryObserver.CAP_STORE_FAILED));
              return record;
            });
  }

  private Future<Void> enqueue(List<DeliveryRecord> records) {
    // reserve before writing so that a poll reading the fresh rows leaves them to us
    Map<String, Promise<DeliveryStatus>> slots = new LinkedHashMap<>();
    for (DeliveryRecord record : records) {
      if (record.status() != DeliveryStatus.PENDING) {
        continue;
      }
      Promise<DeliveryStatus> slot = reserve(record.id());
      if (slot != null) {
        slots.put(record.id(), slot);
      }
    }
    return store
        .enqueue(records)
        .onFailure(e -> slots.forEach((id, slot) -> release(id, slot, null)))
        .map(
            fresh -> {
              for (DeliveryRecord record : fresh) {
                if (record.status() == DeliveryStatus.CAPPED) {
                  LOG.info(
                      "cap webhook [delivery: {}, destination: {}, rule: {}, reason: {}]",
                      record.id(),
                      record.destination(),
                      record.ruleId(),
                      record.lastError());
                  observe(o -> o.capped(record.destination()));
                  continue;
                }
                Promise<DeliveryStatus> slot = slots.remove(record.id());
                if (slot != null) {
                  launch(record, slot);
                }
              }
              // already in the outbox (a repeated submission) or not new: nothing to send now
              slots.forEach((id, slot) -> release(id, slot, null));
              return null;
            });
  }

  /**
   * Starts polling the outbox for due deliveries, at once and then every poll interval, so that
   * deliveries left pending by a previous process are resumed. Idempotent.
   */
  public void start() {
    if (stopped.get() || !started.compareAndSet(false, true)) {
      return;
    }
    vertx.runOnContext(ignored -> pollAndReschedule());
  }

  /**
   * Stops polling and starting attempts; completes once the attempts in flight have finished and
   * been recorded. Deliveries still pending stay in the outbox for the next start.
   */
  public Future<Void> stop() {
    stopped.set(true);
    long timer = timerId;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return whenIdle();
  }

  /**
   * Completes once the attempts in flight at the time of the call have finished and been recorded
   * (attempts started later are not waited for). For an orderly hand-over and for tests.
   */
  public Future<Void> whenIdle() {
    return Future.join(new ArrayList<>(inFlight.values())).mapEmpty();
  }

  /**
   * Attempts the deliveries that are due now (up to the concurrency limit) and completes when those
   * attempts have finished and been recorded. The poll loop of {@link #start()} calls the same scan
   * without waiting; tests call this with a fake clock instead of waiting for the timer.
   *
   * @return how many attempts were made
   */
  public Future<Integer> pollOnce() {
    return startDue()
        .compose(
            attempts ->
                Future.join(attempts)
                    .transform(ignored -> Future.succeededFuture(attempts.size())));
  }

  private void pollAndReschedule() {
    startDue()
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn("cannot poll deliveries [error: {}]", ar.cause().getMessage());
              }
              if (!stopped.get()) {
                timerId =
                    vertx.setTimer(
                        options.pollInterval().toMillis(), ignored -> pollAndReschedule());
                if (stopped.get()) {
                  vertx.cancelTimer(timerId);
                }
              }
            });
  }

  /** Reads the due deliveries and launches their attempts; completes once they are launched. */
  private Future<List<Future<DeliveryStatus>>> startDue() {
    if (stopped.get() || !polling.compareAndSet(false, true)) {
      // a poll already running will see whatever is due
      return Future.succeededFuture(List.of());
    }
    finishedDuringPoll.clear();
    if (inFlight.size() >= options.maxConcurrentAttempts()) {
      polling.set(false);
      return Future.succeededFuture(List.of());
    }
    return store
        .findDue(clock.instant(), options.maxConcurrentAttempts())
        .map(
            due -> {
              List<Future<DeliveryStatus>> launched = new ArrayList<>();
              for (DeliveryRecord record : due) {
                if (finishedDuringPoll.contains(record.id())) {
                  continue;
                }
                Promise<DeliveryStatus> slot = reserve(record.id());
                if (slot != null) {
                  launched.add(launch(record, slot));
                }
              }
              return launched;
            })
        .onComplete(ignored -> polling.set(false));
  }

  /**
   * Claims the right to attempt a delivery in this process, or returns null if it is already in
   * flight, the concurrency limit is reached, or the deliverer is stopping.
   */
  private Promise<DeliveryStatus> reserve(String id) {
    if (inFlight.size() >= options.maxConcurrentAttempts()) {
      return null;
    }
    Promise<DeliveryStatus> slot = Promise.promise();
    if (inFlight.putIfAbsent(id, slot.future()) != null) {
      return null;
    }
    // checked after reserving so that stop() either sees this slot or we see the stop
    if (stopped.get()) {
      release(id, slot, null);
      return null;
    }
    return slot;
  }

  private void release(String id, Promise<DeliveryStatus> slot, DeliveryStatus status) {
    finishedDuringPoll.add(id); // before leaving the in-flight set, see finishedDuringPoll
    inFlight.remove(id, slot.future());
    slot.tryComplete(status);
  }

  private Future<DeliveryStatus> launch(DeliveryRecord record, Promise<DeliveryStatus> slot) {
    attempt(record)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                // the attempt could not be recorded: the row stays pending and is retried later
                LOG.warn(
                    "cannot record delivery attempt [delivery: {}, destination: {}, error: {}]",
                    record.id(),
                    record.destination(),
                    ar.cause().getMessage());
              }
              release(record.id(), slot, ar.succeeded() ? ar.result() : DeliveryStatus.PENDING);
            });
    return slot.future();
  }

  private Future<DeliveryStatus> attempt(DeliveryRecord record) {
    Instant at = clock.instant();
    Destination destination = destinations.get(record.destination());
    if (destination == null) {
      // removed from the configuration since it was enqueued: a replay can revive it later
      return finish(
          record,
          new AttemptRecord(
              at, null, AttemptOutcome.REJECTED, Duration.ZERO, "destination not configured"));
    }
    long startedNanos = System.nanoTime();
    return send(record, destination, at)
        .transform(
            ar -> {
              Duration latency = Duration.ofNanos(System.nanoTime() - startedNanos);
              if (ar.succeeded()) {
                int status = ar.result().statusCode();
                AttemptOutcome outcome = AttemptOutcome.ofHttpStatus(status);
                String error = outcome == AttemptOutcome.SUCCEEDED ? null : "HTTP " + status;
                return Future.succeededFuture(
                    new AttemptRecord(at, status, outcome, latency, error));
              }
              return Future.succeededFuture(
                  new AttemptRecord(
                      at, null, AttemptOutcome.RETRYABLE, latency, describe(ar.cause())));
            })
        .compose(attempt -> finish(record, attempt));
  }

  private Future<HttpResponse<Void>> send(
      DeliveryRecord record, Destination destination, Instant at) {
    long timeoutMillis = destination.timeout().toMillis();
    long timestamp = at.getEpochSecond();
    try {
      HttpRequest<Buffer> request =
          client
              .postAbs(destination.url().toString())
              .connectTimeout(timeoutMillis)
              .idleTimeout(timeoutMillis)
              .putHeader("content-type", destination.format().contentType())
              .putHeader("webhook-id", record.id())
              .putHeader("webhook-timestamp", Long.toString(timestamp))
              .putHeader(
                  "webhook-signature",
                  signers.get(destination.id()).sign(record.id(), timestamp, record.body()))
              .putHeader("user-agent", USER_AGENT);
      // configured ones (an API key) last, so that they may replace content-type or user-agent
      destination.headers().forEach(request::putHeader);
      return request
          // the receiver's answer is not used: do not buffer whatever it sends
          .as(BodyCodec.none())
          .sendBuffer(Buffer.buffer(record.body()))
          // the connect and idle timeouts leave a slow trickle unbounded: cap the whole exchange
          .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<DeliveryStatus> finish(DeliveryRecord record, AttemptRecord attempt) {
    int attemptsMade = record.attempts() + 1;
    RetryPolicy retry = options.retry();
    DeliveryStatus status;
    Instant nextAttemptAt = null;
    switch (attempt.outcome()) {
      case SUCCEEDED -> status = DeliveryStatus.SUCCEEDED;
      case REJECTED -> status = DeliveryStatus.DEAD;
      default -> {
        if (retry.mayRetry(attemptsMade)) {
          status = DeliveryStatus.PENDING;
          nextAttemptAt = clock.instant().plus(retry.backoff(attemptsMade));
        } else {
          status = DeliveryStatus.DEAD;
        }
      }
    }
    Instant next = nextAttemptAt;
    return store
        .recordAttempt(record.id(), attempt, status, next)
        .map(
            updated -> {
              if (!updated) {
                // someone else (an operator, another process) finished it meanwhile
                LOG.warn(
                    "skip stale delivery attempt [delivery: {}, destination: {}]",
                    record.id(),
                    record.destination());
              }
              report(record, attempt, status, attemptsMade, next);
              return status;
            });
  }

  private void report(
      DeliveryRecord record,
      AttemptRecord attempt,
      DeliveryStatus status,
      int attemptsMade,
      Instant nextAttemptAt) {
    switch (status) {
      case SUCCEEDED ->
          LOG.info(
              "delivered webhook [delivery: {}, destination: {}, status: {}, attempt: {}]",
              record.id(),
              record.destination(),
              attempt.httpStatus(),
              attemptsMade);
      case PENDING ->
          LOG.info(
              "retry webhook later [delivery: {}, destination: {}, attempt: {}, error: {},"
                  + " next: {}]",
              record.id(),
              record.destination(),
              attemptsMade,
              attempt.error(),
              nextAttemptAt);
      case DEAD ->
          LOG.warn(
              "give up webhook [delivery: {}, destination: {}, attempt: {}, error: {}]",
              record.id(),
              record.destination(),
              attemptsMade,
              attempt.error());
    }
    observe(
        o -> {
          o.attempted(record.destination(), attempt.outcome(), attempt.latency());
          if (status == DeliveryStatus.DEAD) {
            o.deadLettered(record.destination(), record.id(), attemptsMade);
          }
        });
  }

  private void observe(Consumer<DeliveryObserver> report) {
    try {
      report.accept(observer);
    } catch (RuntimeException e) {
      // metrics must not turn a recorded step into a failed one
      LOG.warn("ignore failing delivery observer [error: {}]", e.toString());
    }
  }

  private static String describe(Throwable failure) {
    if (failure instanceof TimeoutException
        || failure.getClass().getSimpleName().contains("Timeout")) {
      return "timeout: " + failure.getMessage();
    }
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
