package dev.tripline.gateway.delivery;

import dev.tripline.detectors.Detection;
import dev.tripline.handlers.LogText;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
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
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Each answer decides the delivery's next step (see {@link AttemptOutcome}): retryable failures
 * follow the destination's {@link RetryPolicy} schedule, lengthened by a bounded {@code
 * Retry-After}; a 410, or failing for the policy's disable-after, disables the destination, whose
 * deliveries are then {@link DeliveryStatus#HELD held} (never lost, never attempted) until {@link
 * #enable} releases them. The destinations' health is stored, so a restart keeps it.
 *
 * <p>Within this process a delivery is never attempted twice at once (an in-flight set guards it).
 * Several processes sharing one outbox would need a lease on each delivery; that is not built yet.
 *
 * <p>Each destination has a lane of its own ({@link DestinationLimits}): due deliveries wait in its
 * bounded in-memory queue (the outbox stays the source of truth: a full queue leaves them there for
 * a later poll), at most its {@code max_concurrency} attempts run at once, its rate limit and
 * circuit breaker hold back only its own queue, and the poll reads each lane's due deliveries
 * separately. So a destination that hangs or fails fills its own lane and costs the others nothing
 * but a share of the global {@link DeliveryOptions#maxConcurrentAttempts()} ceiling.
 *
 * <p>Every attempt resolves the destination's host itself, refuses addresses the {@link
 * AddressGuard} names unless the destination allows private addresses (a refused attempt is
 * dead-lettered at once: retrying cannot help until the configuration changes), connects to the
 * checked address (with the URL's host as {@code Host} header, TLS SNI and certificate name, so TLS
 * verification is unchanged), never follows redirects, and is bounded by the destination's timeout
 * for connect, idle and the whole exchange.
 *
 * <p>Never blocks: every step is a future, every HTTP attempt is bounded by its destination's
 * timeout. Thread-safe: may be called from any context.
 */
public final class Deliverer {

  /** The {@code user-agent} of every attempt. */
  public static final String USER_AGENT = "Tripline/0.1";

  /** How often the retries pending per destination are counted for metrics. */
  public static final Duration BACKLOG_INTERVAL = Duration.ofSeconds(15);

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
  private final HostResolver resolver;
  private final Map<String, DestinationLane> lanes;
  private final RetryBacklog backlog;

  /**
   * Each destination's health as last recorded: disabled or not, failing since when. Loaded from
   * the store by {@link #start()}; absent means enabled and healthy.
   */
  private final Map<String, DestinationState> states = new ConcurrentHashMap<>();

  /** Deliveries being attempted or queued in a lane, each with its completion. */
  private final Map<String, Future<DeliveryStatus>> inFlight = new ConcurrentHashMap<>();

  /** Deliveries being attempted right now (a subset of {@link #inFlight}). */
  private final Map<String, Future<DeliveryStatus>> attempts = new ConcurrentHashMap<>();

  /**
   * Attempts running across all lanes, bounded by {@link DeliveryOptions#maxConcurrentAttempts}.
   */
  private final AtomicInteger running = new AtomicInteger();

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
    this(
        vertx,
        client,
        store,
        caps,
        destinations,
        options,
        clock,
        observer,
        HostResolver.system(vertx));
  }

  /**
   * Like the other constructor, with the resolver the SSRF guard judges (tests stub it).
   *
   * @param resolver resolves each destination's host at every attempt
   */
  public Deliverer(
      Vertx vertx,
      WebClient client,
      DeliveryStore store,
      CapStore caps,
      Map<String, Destination> destinations,
      DeliveryOptions options,
      InstantSource clock,
      DeliveryObserver observer,
      HostResolver resolver) {
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
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    Map<String, DestinationLane> byLane = new LinkedHashMap<>();
    this.destinations.forEach(
        (id, d) -> byLane.put(id, new DestinationLane(id, d.limits(), clock)));
    this.lanes = Collections.unmodifiableMap(byLane);
    this.backlog = new RetryBacklog(vertx, store, this.destinations.keySet(), BACKLOG_INTERVAL);
  }

  /**
   * Deliveries to the destination waiting in the outbox for a retry, as of the last count (taken
   * every {@link #BACKLOG_INTERVAL} once started), for metrics.
   */
  public long retriesPending(String destination) {
    return backlog.pending(destination);
  }

  /** Deliveries waiting in the destination's queue (0 for an unknown destination), for metrics. */
  public int queued(String destination) {
    DestinationLane lane = lanes.get(destination);
    return lane == null ? 0 : lane.queued();
  }

  /** Attempts to the destination in flight now (0 for an unknown destination), for metrics. */
  public int running(String destination) {
    DestinationLane lane = lanes.get(destination);
    return lane == null ? 0 : lane.running();
  }

  /**
   * The destination's circuit breaker state: {@code closed}, {@code half_open} or {@code open};
   * empty for an unknown destination.
   */
  public Optional<String> breakerState(String destination) {
    return Optional.ofNullable(lanes.get(destination)).map(lane -> lane.breakerState().wireName());
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
        // a user template reading a field this detection lacks, a tool's format without a person:
        // nothing sensible to send, and retrying renders the same; dead-letter it, error recorded
        planned.add(
            Future.succeededFuture(
                DeliveryRecord.renderFailed(
                    webhookId,
                    detection.id(),
                    detection.ruleId(),
                    destinationId,
                    destination.displayUrl(),
                    "cannot render body: " + e.getMessage(),
                    now)));
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
              .orElseGet(() -> Future.succeededFuture(record))
              .map(this::holdIfDisabled));
    }
    if (planned.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.all(planned).compose(all -> enqueue(all.list()));
  }

  /** A new pending delivery to a disabled destination is written held, to wait for re-enabling. */
  private DeliveryRecord holdIfDisabled(DeliveryRecord record) {
    DestinationState state = states.get(record.destination());
    if (record.status() != DeliveryStatus.PENDING || state == null || !state.disabled()) {
      return record;
    }
    return record.held("destination disabled: " + state.reason());
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
                      LogText.escape(record.lastError()));
                  observe(o -> o.capped(record.destination()));
                  continue;
                }
                if (record.status() == DeliveryStatus.DEAD) {
                  LOG.warn(
                      "give up webhook, cannot render body [delivery: {}, detection: {},"
                          + " destination: {}, rule: {}, error: {}]",
                      record.id(),
                      record.detectionId(),
                      record.destination(),
                      record.ruleId(),
                      LogText.escape(record.lastError()));
                  observe(
                      o -> {
                        o.renderFailed(record.destination());
                        o.deadLettered(record.destination(), record.id(), record.attempts());
                      });
                  continue;
                }
                Promise<DeliveryStatus> slot = slots.remove(record.id());
                if (slot != null) {
                  queue(record, slot);
                }
              }
              // already in the outbox (a repeated submission) or not new: nothing to send now
              slots.forEach((id, slot) -> release(id, slot, null));
              return null;
            });
  }

  /**
   * Reads the destinations' stored health (which are disabled, which are failing since when), then
   * starts polling the outbox for due deliveries, at once and then every poll interval, so that
   * deliveries left pending by a previous process are resumed. Idempotent.
   */
  public void start() {
    if (stopped.get() || !started.compareAndSet(false, true)) {
      return;
    }
    vertx.runOnContext(
        ignored ->
            loadStates()
                .onFailure(
                    e ->
                        LOG.warn(
                            "cannot read destination states, treat all as enabled [error: {}]",
                            e.getMessage()))
                .onComplete(loaded -> pollAndReschedule()));
    backlog.start();
  }

  /** Reads the destinations' stored health into memory. */
  public Future<Void> loadStates() {
    return store
        .destinationStates()
        .map(
            loaded -> {
              for (DestinationState state : loaded) {
                states.put(state.destination(), state);
                if (state.disabled()) {
                  observe(o -> o.destinationDisabled(state.destination(), state.reason()));
                }
              }
              return null;
            });
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
    backlog.stop();
    lanes.values().forEach(this::drain);
    return whenIdle();
  }

  /**
   * Completes once the attempts in flight at the time of the call have finished and been recorded
   * (attempts started later, and deliveries still queued behind a rate limit or an open breaker,
   * are not waited for). For an orderly hand-over and for tests.
   */
  public Future<Void> whenIdle() {
    return Future.join(new ArrayList<>(attempts.values())).mapEmpty();
  }

  /**
   * Queues the deliveries that are due now in their destinations' lanes, starts what the lanes
   * allow (concurrency, rate limit, breaker) and completes when those attempts have finished and
   * been recorded. The poll loop of {@link #start()} calls the same scan without waiting; tests
   * call this with a fake clock instead of waiting for the timer.
   *
   * @return how many attempts were started by this poll
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

  /**
   * Reads each lane's due deliveries into its queue (as much as the queue has room for), and those
   * of destinations no longer configured; starts what the lanes allow; completes once launched.
   */
  private Future<List<Future<DeliveryStatus>>> startDue() {
    if (stopped.get() || !polling.compareAndSet(false, true)) {
      // a poll already running will see whatever is due
      return Future.succeededFuture(List.of());
    }
    finishedDuringPoll.clear();
    Instant now = clock.instant();
    List<Future<List<Future<DeliveryStatus>>>> perLane = new ArrayList<>();
    for (DestinationLane lane : lanes.values()) {
      int room = lane.room();
      if (room <= 0) {
        // a full queue (a hanging or throttled destination): nothing to read, only to start
        perLane.add(Future.succeededFuture(pump(lane)));
        continue;
      }
      // the lane's own deliveries are still due in the outbox and come first: read past them
      perLane.add(
          store
              .findDue(now, lane.id(), lane.held() + room)
              .map(
                  due -> {
                    due.forEach(this::reserveAndQueue);
                    return pump(lane);
                  }));
    }
    perLane.add(
        store
            .findDueExcept(now, lanes.keySet(), options.maxConcurrentAttempts())
            .map(this::startOrphans));
    return Future.join(perLane)
        .transform(
            ignored -> {
              List<Future<DeliveryStatus>> launched = new ArrayList<>();
              Throwable failure = null;
              for (Future<List<Future<DeliveryStatus>>> lane : perLane) {
                if (lane.succeeded()) {
                  launched.addAll(lane.result());
                } else {
                  failure = lane.cause();
                }
              }
              // one lane's failed read does not hold back what the others started
              if (failure != null && launched.isEmpty()) {
                return Future.<List<Future<DeliveryStatus>>>failedFuture(failure);
              }
              if (failure != null) {
                LOG.warn("cannot poll some deliveries [error: {}]", failure.getMessage());
              }
              return Future.succeededFuture(launched);
            })
        .onComplete(ignored -> polling.set(false));
  }

  private void reserveAndQueue(DeliveryRecord record) {
    if (finishedDuringPoll.contains(record.id())) {
      return;
    }
    Promise<DeliveryStatus> slot = reserve(record.id());
    if (slot != null) {
      offer(lanes.get(record.destination()), record, slot);
    }
  }

  /** Deliveries whose destination is no longer configured: attempted (and finished) at once. */
  private List<Future<DeliveryStatus>> startOrphans(List<DeliveryRecord> due) {
    List<Future<DeliveryStatus>> launched = new ArrayList<>();
    for (DeliveryRecord record : due) {
      if (finishedDuringPoll.contains(record.id())) {
        continue;
      }
      Promise<DeliveryStatus> slot = reserve(record.id());
      if (slot != null) {
        running.incrementAndGet();
        launched.add(launch(record, slot, null));
      }
    }
    return launched;
  }

  /**
   * Claims the right to attempt a delivery in this process, or returns null if it is already in
   * flight or queued, or the deliverer is stopping.
   */
  private Promise<DeliveryStatus> reserve(String id) {
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

  /**
   * Puts a reserved delivery in its destination's lane and starts what the lane allows. A full
   * queue releases it: it stays due in the outbox, and a later poll reads it when there is room.
   */
  private void queue(DeliveryRecord record, Promise<DeliveryStatus> slot) {
    DestinationLane lane = lanes.get(record.destination());
    if (lane == null) {
      running.incrementAndGet();
      launch(record, slot, null);
    } else if (offer(lane, record, slot)) {
      pump(lane);
    }
  }

  private boolean offer(DestinationLane lane, DeliveryRecord record, Promise<DeliveryStatus> slot) {
    if (lane.offer(record, slot)) {
      return true;
    }
    observe(o -> o.queueFull(record.destination()));
    release(record.id(), slot, null);
    return false;
  }

  /**
   * Starts the lane's queued deliveries while it and the global ceiling allow; if the lane holds
   * work only its rate limit or open breaker keeps back, looks at it again when that ends.
   */
  private List<Future<DeliveryStatus>> pump(DestinationLane lane) {
    if (stopped.get()) {
      drain(lane);
      return List.of();
    }
    List<Future<DeliveryStatus>> launched = new ArrayList<>();
    while (true) {
      if (running.incrementAndGet() > options.maxConcurrentAttempts()) {
        running.decrementAndGet();
        break;
      }
      Optional<DestinationLane.Ticket> ticket = lane.next();
      if (ticket.isEmpty()) {
        running.decrementAndGet();
        break;
      }
      launched.add(launch(ticket.get().record(), ticket.get().slot(), lane));
    }
    lane.wakeUp()
        .ifPresent(
            wait ->
                vertx.setTimer(
                    Math.max(1, wait.toMillis()),
                    ignored -> {
                      lane.woken();
                      pump(lane);
                    }));
    return launched;
  }

  /** Gives every lane a chance to start work: an attempt ended and freed a global slot. */
  private void pumpAll(DestinationLane first) {
    if (first != null) {
      pump(first);
    }
    for (DestinationLane lane : lanes.values()) {
      if (lane != first) {
        pump(lane);
      }
    }
  }

  private void drain(DestinationLane lane) {
    lane.drain().forEach(ticket -> release(ticket.record().id(), ticket.slot(), null));
  }

  /** Runs one attempt; the caller has taken a global slot and, for a lane, a lane slot. */
  private Future<DeliveryStatus> launch(
      DeliveryRecord record, Promise<DeliveryStatus> slot, DestinationLane lane) {
    attempts.put(record.id(), slot.future());
    // compose: an attempt that throws must still free its slots
    Future.succeededFuture()
        .compose(ignored -> attempt(record))
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
              if (lane != null) {
                lane.finished();
              }
              running.decrementAndGet();
              attempts.remove(record.id(), slot.future());
              release(record.id(), slot, ar.succeeded() ? ar.result() : DeliveryStatus.PENDING);
              pumpAll(lane);
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
    DestinationState state = states.get(record.destination());
    if (state != null && state.disabled()) {
      // disabled after this delivery was read as due: keep it for re-enabling, unattempted
      return hold(record, state, at);
    }
    long startedNanos = System.nanoTime();
    ResponseSnippet snippet = new ResponseSnippet();
    return send(record, destination, at, snippet)
        .transform(
            ar -> {
              Duration latency = Duration.ofNanos(System.nanoTime() - startedNanos);
              if (ar.succeeded()) {
                int status = ar.result().statusCode();
                AttemptOutcome outcome = AttemptOutcome.ofHttpStatus(status);
                String error = outcome == AttemptOutcome.SUCCEEDED ? null : "HTTP " + status;
                Optional<Duration> retryAfter =
                    outcome == AttemptOutcome.RETRYABLE
                        ? RetryAfter.parse(ar.result().getHeader("retry-after"), clock.instant())
                        : Optional.empty();
                return Future.succeededFuture(
                    new Attempted(
                        new AttemptRecord(at, status, outcome, latency, error, snippet.text()),
                        retryAfter));
              }
              // a refused address cannot become acceptable by retrying: only a config change helps
              AttemptOutcome outcome =
                  ar.cause() instanceof RefusedAddressException
                      ? AttemptOutcome.REFUSED
                      : AttemptOutcome.RETRYABLE;
              String error =
                  outcome == AttemptOutcome.REFUSED
                      ? ar.cause().getMessage()
                      : describe(ar.cause());
              return Future.succeededFuture(
                  new Attempted(
                      new AttemptRecord(at, null, outcome, latency, error), Optional.empty()));
            })
        .compose(attempted -> finish(record, attempted.attempt(), attempted.retryAfter()));
  }

  /** An attempt as recorded, and the wait its answer asked for ({@code Retry-After}). */
  private record Attempted(AttemptRecord attempt, Optional<Duration> retryAfter) {}

  private Future<DeliveryStatus> hold(DeliveryRecord record, DestinationState state, Instant at) {
    return store
        .hold(record.id(), "destination disabled: " + state.reason(), at)
        .map(
            held -> {
              if (held) {
                LOG.info(
                    "hold webhook, destination disabled [delivery: {}, destination: {}]",
                    record.id(),
                    record.destination());
              }
              return DeliveryStatus.HELD;
            });
  }

  /**
   * Resolves and checks the destination's address, POSTs to it, bounds the whole exchange by the
   * destination's timeout and tells the lane's breaker how it went.
   */
  private Future<HttpResponse<Void>> send(
      DeliveryRecord record, Destination destination, Instant at, ResponseSnippet snippet) {
    long timeoutMillis = destination.timeout().toMillis();
    // compose: a resolver that throws must fail this attempt, not the caller
    return Future.succeededFuture()
        .compose(ignored -> checkedAddress(destination))
        .compose(server -> post(record, destination, at, server, snippet))
        // the connect and idle timeouts leave a slow trickle (or a slow resolver) unbounded: cap
        // the whole exchange
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .andThen(ar -> judge(destination.id(), ar));
  }

  /**
   * The address to connect to: the destination's host resolved here, each of its addresses checked
   * by the {@link AddressGuard} (one refused address refuses them all, so a DNS answer mixing a
   * public and a private address cannot slip through), unless the destination allows private
   * addresses.
   */
  private Future<SocketAddress> checkedAddress(Destination destination) {
    URI url = destination.url();
    String host = url.getHost();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    int port =
        url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    return resolver
        .resolve(bare)
        .compose(
            addresses -> {
              if (addresses.isEmpty()) {
                return Future.failedFuture(new UnknownHostException(bare));
              }
              if (!destination.allowPrivate()) {
                for (InetAddress address : addresses) {
                  Optional<String> refusal = AddressGuard.refusal(address);
                  if (refusal.isPresent()) {
                    observe(o -> o.addressRefused(destination.id(), refusal.get()));
                    return Future.failedFuture(
                        new RefusedAddressException(
                            "address refused: "
                                + bare
                                + " resolves to a private address ("
                                + refusal.get()
                                + ": "
                                + address.getHostAddress()
                                + "); set allow_private: true to deliver there"));
                  }
                }
              }
              return Future.succeededFuture(
                  SocketAddress.inetSocketAddress(port, addresses.get(0).getHostAddress()));
            });
  }

  /** Feeds the attempt's result to the destination's breaker and reports its changes. */
  private void judge(String destinationId, AsyncResult<HttpResponse<Void>> result) {
    DestinationLane lane = lanes.get(destinationId);
    if (lane == null) {
      return;
    }
    // a refused address never reached the endpoint: it says nothing about its health
    boolean healthy =
        result.succeeded()
            ? AttemptOutcome.ofHttpStatus(result.result().statusCode()) != AttemptOutcome.RETRYABLE
            : result.cause() instanceof RefusedAddressException;
    if (lane.takeHalfOpened()) {
      observe(o -> o.breakerChanged(destinationId, CircuitBreaker.State.HALF_OPEN.wireName()));
    }
    lane.judged(healthy)
        .ifPresent(
            state -> {
              if (state == CircuitBreaker.State.OPEN) {
                LOG.warn("open circuit breaker [destination: {}]", destinationId);
              } else {
                LOG.info("close circuit breaker [destination: {}]", destinationId);
              }
              observe(o -> o.breakerChanged(destinationId, state.wireName()));
            });
  }

  /**
   * One POST of the delivery to the checked {@code server} address; the URL's host stays the {@code
   * Host} header, the TLS SNI and the name the certificate is verified against.
   */
  private Future<HttpResponse<Void>> post(
      DeliveryRecord record,
      Destination destination,
      Instant at,
      SocketAddress server,
      ResponseSnippet snippet) {
    long timeoutMillis = destination.timeout().toMillis();
    long timestamp = at.getEpochSecond();
    try {
      HttpRequest<Buffer> request =
          client
              .requestAbs(HttpMethod.POST, server, destination.url().toString())
              // a redirect would lead past the address check: a 3xx is the receiver's answer
              .followRedirects(false)
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
          // keep the start of the answer for the history, never buffer all of it
          .as(BodyCodec.pipe(snippet))
          .sendBuffer(Buffer.buffer(record.body()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<DeliveryStatus> finish(DeliveryRecord record, AttemptRecord attempt) {
    return finish(record, attempt, Optional.empty());
  }

  /**
   * Decides what an attempt means for the delivery and its destination, and records it: the
   * destination's state first (so that a crash in between leaves the delivery pending, to be held
   * when it comes due), then the attempt.
   */
  private Future<DeliveryStatus> finish(
      DeliveryRecord record, AttemptRecord attempt, Optional<Duration> retryAfter) {
    int attemptsMade = record.attempts() + 1;
    Destination destination = destinations.get(record.destination());
    RetryPolicy retry =
        destination == null ? options.retry() : destination.retry().policy(options.retry());
    Instant now = clock.instant();
    DestinationState before =
        states.getOrDefault(record.destination(), DestinationState.healthy(record.destination()));
    DestinationState after = before;
    DeliveryStatus status;
    Instant nextAttemptAt = null;
    switch (attempt.outcome()) {
      case SUCCEEDED -> {
        status = DeliveryStatus.SUCCEEDED;
        after = before.succeeded();
      }
      case GONE -> {
        status = DeliveryStatus.HELD;
        after = before.disabled() ? before : before.disable("HTTP 410 Gone", now);
      }
      case REJECTED, REFUSED, RENDER_FAILED -> status = DeliveryStatus.DEAD;
      default -> {
        after = before.failing(attempt.at());
        if (!after.disabled() && retry.shouldDisable(after.failingSince(), now)) {
          after =
              after.disable(
                  "failing since "
                      + after.failingSince()
                      + " (disable_after "
                      + retry.disableAfter()
                      + ")",
                  now);
        }
        if (after.disabled()) {
          status = DeliveryStatus.HELD;
        } else if (retry.mayRetry(attemptsMade)) {
          status = DeliveryStatus.PENDING;
          nextAttemptAt = now.plus(retry.backoff(attemptsMade, retryAfter));
        } else {
          status = DeliveryStatus.DEAD;
        }
      }
    }
    Instant next = nextAttemptAt;
    DestinationState state = after;
    return saveState(before, after, now)
        .compose(ignored -> store.recordAttempt(record.id(), attempt, status, next))
        .compose(
            updated ->
                state.disabled() && !before.disabled()
                    ? holdPending(state, attempt.error(), now).map(updated)
                    : Future.succeededFuture(updated))
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

  /**
   * Stores a destination's changed state. Writes nothing when the state is unchanged, so a healthy
   * destination costs no extra write per attempt.
   */
  private Future<Void> saveState(DestinationState before, DestinationState after, Instant now) {
    if (after.equals(before)) {
      return Future.succeededFuture();
    }
    states.put(after.destination(), after);
    return store.saveDestinationState(after, now);
  }

  /**
   * Holds the pending deliveries of a destination just disabled. Runs after the disabling attempt
   * is recorded; one that a crash leaves pending is held when it comes due (see {@link #attempt}).
   */
  private Future<Void> holdPending(DestinationState disabled, String error, Instant now) {
    String id = disabled.destination();
    return store
        .holdPending(id, "destination disabled: " + disabled.reason(), now)
        .map(
            held -> {
              LOG.warn(
                  "disable destination [destination: {}, reason: {}, last error: {},"
                      + " deliveries held: {}]",
                  id,
                  disabled.reason(),
                  LogText.escape(error),
                  held);
              observe(o -> o.destinationDisabled(id, disabled.reason()));
              return null;
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
              LogText.escape(attempt.error()),
              nextAttemptAt);
      case DEAD ->
          LOG.warn(
              "give up webhook [delivery: {}, destination: {}, attempt: {}, error: {}]",
              record.id(),
              record.destination(),
              attemptsMade,
              LogText.escape(attempt.error()));
      case HELD ->
          LOG.warn(
              "hold webhook, destination disabled [delivery: {}, destination: {}, attempt: {},"
                  + " error: {}]",
              record.id(),
              record.destination(),
              attemptsMade,
              LogText.escape(attempt.error()));
      default -> {
        // capped deliveries are never attempted
      }
    }
    observe(
        o -> {
          o.attempted(record.destination(), attempt.outcome(), attempt.latency());
          if (status == DeliveryStatus.DEAD) {
            o.deadLettered(record.destination(), record.id(), attemptsMade);
          }
        });
  }

  // --- operators (the admin API) ---------------------------------------------------------

  /** The configured destinations, each with its stored health, by id. */
  public List<DestinationState> destinationStates() {
    List<DestinationState> all = new ArrayList<>();
    for (String id : destinations.keySet().stream().sorted().toList()) {
      all.add(states.getOrDefault(id, DestinationState.healthy(id)));
    }
    return all;
  }

  /** Deliveries matching {@code filter}, newest first, at most {@code limit}. */
  public Future<List<DeliveryRecord>> deliveries(DeliveryFilter filter, int limit) {
    return store.list(filter, limit);
  }

  /** The delivery with that {@code webhook-id}, with its body and attempt history. */
  public Future<Optional<DeliveryRecord>> delivery(String id) {
    return store.find(id);
  }

  /** Whether {@code id} is a configured destination. */
  public boolean isConfigured(String id) {
    return destinations.containsKey(id);
  }

  /**
   * Re-enables a destination: forgets its failures and makes its held deliveries pending again, due
   * at once with a fresh retry schedule (the next poll sends them).
   *
   * @return how many held deliveries were released
   */
  public Future<Long> enable(String destination) {
    Instant now = clock.instant();
    DestinationState enabled = DestinationState.healthy(destination);
    states.put(destination, enabled);
    return store
        .saveDestinationState(enabled, now)
        .compose(ignored -> store.releaseHeld(destination, now))
        .map(
            released -> {
              LOG.info(
                  "enable destination [destination: {}, deliveries released: {}]",
                  destination,
                  released);
              observe(o -> o.destinationEnabled(destination));
              return released;
            });
  }

  /**
   * Makes a finished delivery pending again with the same body and {@code webhook-id}, due at once
   * (the next poll sends it). A delivery to a disabled destination is held instead, until the
   * destination is enabled.
   *
   * @return whether a finished delivery with that id was found
   */
  public Future<Boolean> replay(String id) {
    Instant now = clock.instant();
    return store
        .replay(id, now)
        .compose(
            replayed -> {
              if (!replayed) {
                return Future.succeededFuture(false);
              }
              LOG.info("replay webhook [delivery: {}]", id);
              return store
                  .find(id)
                  .compose(
                      found -> {
                        DestinationState state =
                            found.map(r -> states.get(r.destination())).orElse(null);
                        return state != null && state.disabled()
                            ? store.hold(id, "destination disabled: " + state.reason(), now)
                            : Future.succeededFuture(true);
                      })
                  .map(ignored -> true);
            });
  }

  /**
   * Replays up to {@code limit} finished deliveries matching {@code filter}, newest first, one by
   * one (a failure stops the rest: what was replayed stays replayed).
   *
   * @return the ids replayed
   */
  public Future<List<String>> replay(DeliveryFilter filter, int limit) {
    return store
        .list(filter, limit)
        .compose(
            found -> {
              List<String> replayed = new ArrayList<>();
              Future<Void> chain = Future.succeededFuture();
              for (DeliveryRecord record : found) {
                chain =
                    chain.compose(
                        ignored ->
                            replay(record.id())
                                .map(
                                    done -> {
                                      if (done) {
                                        replayed.add(record.id());
                                      }
                                      return null;
                                    }));
              }
              return chain.map(ignored -> replayed);
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
