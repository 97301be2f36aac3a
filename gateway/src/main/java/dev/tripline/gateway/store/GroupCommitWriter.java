package dev.tripline.gateway.store;

import dev.tripline.handlers.IngestRejection;
import dev.tripline.handlers.IngestService;
import dev.tripline.handlers.OverloadedException;
import dev.tripline.handlers.RejectReason;
import dev.tripline.rules.Event;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes ingested events durable by writing many submissions together: one bulk write per batch of
 * up to {@link WriterOptions#maxBatchEvents()} events, with up to {@link
 * WriterOptions#maxConcurrentWrites()} writes in flight. While writes are in flight, new
 * submissions accumulate and go out together in the next batch, so the store sees few large writes
 * however many small requests arrive.
 *
 * <p>Threading: {@link #ingest} may be called from any thread or event loop. Admission (the queue
 * bound and the shutting-down check) is decided at once on the caller's thread with one atomic
 * counter, so a refused request never waits; everything else (the queue, batching, completion, the
 * {@code onDurable} sink and the observer) runs on the one Vert.x context that created the writer,
 * so that state needs no locks. The returned future completes on the caller's context.
 *
 * <p>No submission can fail another's write: one whose events the store cannot hold ({@link
 * EventStore#unstorable}: a date BSON cannot carry, a document over MongoDB's size limit) is
 * refused at once with a 400 {@link IngestRejection} ({@code invalid_event}, naming the event's
 * {@code index} when the submission holds several), before it is queued, so it never joins a bulk
 * write and none of it is stored. The check runs on the caller's thread, as admission does: one
 * encoding per event, about a microsecond, instead of a shared write failing for everyone in it.
 *
 * <p>A submission completes once every batch holding its events is durable. A failed batch fails
 * exactly the submissions it held, with {@link dev.tripline.handlers.StoreUnavailableException}
 * (503, as the handlers answer a store failure; not this package's exception of the same name,
 * which stays inside the store); some of their events may be stored, which is safe because re-sent
 * events are duplicates. Newly stored events (not duplicates) are handed to {@code onDurable} in
 * submission order.
 */
public final class GroupCommitWriter implements IngestService {

  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  private final Context context;
  private final EventStore store;
  private final WriterOptions options;
  private final Consumer<List<Event>> onDurable;
  private final WriterObserver observer;

  /** Events admitted and not yet durable or failed; read and reserved from any thread. */
  private final AtomicInteger depth = new AtomicInteger();

  private volatile boolean accepting = true;

  // the fields below are only touched on the writer's context
  private final ArrayDeque<Submission> pending = new ArrayDeque<>();
  private final TreeMap<Long, List<Event>> durableOutOfOrder = new TreeMap<>();
  private final List<Promise<Void>> drains = new ArrayList<>();
  private int inFlight;
  private boolean pumpScheduled;
  private long nextBatchSeq;
  private long nextSeqToEmit;

  /**
   * @param vertx the writer runs on {@code vertx.getOrCreateContext()} of the calling thread
   * @param onDurable receives newly stored events in submission order, on the writer's context
   */
  public GroupCommitWriter(
      Vertx vertx,
      EventStore store,
      WriterOptions options,
      Consumer<List<Event>> onDurable,
      WriterObserver observer) {
    this.context = vertx.getOrCreateContext();
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
    this.onDurable = Objects.requireNonNull(onDurable, "onDurable");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Override
  public Future<IngestResult> ingest(List<Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture(new IngestResult(0, 0));
    }
    List<Event> copy = List.copyOf(events);
    int size = copy.size();
    List<UnstorableEvent> unstorable = store.unstorable(copy);
    if (!unstorable.isEmpty()) {
      return refuse(size, unstorable.get(0));
    }
    int current;
    do {
      current = depth.get();
      if (current + size > options.queueCapacity()) {
        return refuse(size, "write queue full");
      }
    } while (!depth.compareAndSet(current, current + size));
    // checked after reserving, so drain() either sees the reservation or this sees the flag
    if (!accepting) {
      depth.addAndGet(-size);
      context.runOnContext(v -> completeDrainsIfIdle());
      return refuse(size, "shutting down");
    }
    Promise<IngestResult> promise = Promise.promise();
    Submission submission = new Submission(copy, promise, Vertx.currentContext());
    onContext(() -> enqueue(submission));
    return promise.future();
  }

  /**
   * Stops accepting (new submissions fail with "shutting down") and completes once everything
   * admitted is durable or failed and no write is in flight.
   */
  public Future<Void> drain() {
    Promise<Void> promise = Promise.promise();
    onContext(
        () -> {
          accepting = false;
          drains.add(promise);
          completeDrainsIfIdle();
        });
    return promise.future();
  }

  /** Events admitted and not yet durable: queued plus being written. Safe from any thread. */
  public int queueDepth() {
    return depth.get();
  }

  private Future<IngestResult> refuse(int size, String reason) {
    observer.rejected(size, reason);
    return Future.failedFuture(new OverloadedException(reason, options.retryAfter()));
  }

  private Future<IngestResult> refuse(int size, UnstorableEvent event) {
    observer.rejected(size, "unstorable event");
    return Future.failedFuture(
        new IngestRejection(
            RejectReason.INVALID_EVENT,
            400,
            event.reason(),
            event.field(),
            size > 1 ? event.index() : null));
  }

  private void enqueue(Submission submission) {
    pending.add(submission);
    if (!pumpScheduled) {
      // pump on the next turn so everything submitted in this turn goes out together
      pumpScheduled = true;
      context.runOnContext(v -> pump());
    }
  }

  private void pump() {
    pumpScheduled = false;
    while (inFlight < options.maxConcurrentWrites() && !pending.isEmpty()) {
      Batch batch = nextBatch();
      if (!batch.events.isEmpty()) {
        write(batch);
      }
    }
    completeDrainsIfIdle();
  }

  private Batch nextBatch() {
    Batch batch = new Batch(nextBatchSeq++);
    while (!pending.isEmpty() && batch.events.size() < options.maxBatchEvents()) {
      Submission head = pending.peek();
      int left = head.events.size() - head.next;
      if (head.failed) {
        // an earlier batch of it failed and its caller has its answer: writing the rest is waste
        pending.poll();
        head.outstanding -= left;
        depth.addAndGet(-left);
        continue;
      }
      int take = Math.min(left, options.maxBatchEvents() - batch.events.size());
      batch.add(head, head.next, head.next + take);
      head.next += take;
      if (head.next == head.events.size()) {
        pending.poll();
      }
    }
    if (batch.events.isEmpty()) {
      // nothing to write after all: keep the sink's sequence gap-free
      nextBatchSeq--;
    }
    return batch;
  }

  private void write(Batch batch) {
    inFlight++;
    long started = System.nanoTime();
    Future<WriteOutcome> write;
    try {
      write = store.insert(batch.events);
    } catch (RuntimeException e) {
      write = Future.failedFuture(e);
    }
    write.onComplete(result -> onContext(() -> written(batch, result, started)));
  }

  private void written(Batch batch, AsyncResult<WriteOutcome> result, long started) {
    inFlight--;
    depth.addAndGet(-batch.events.size());
    Duration latency = Duration.ofNanos(System.nanoTime() - started);
    // observe and hand over before answering callers, so whoever sees the answer also sees these
    if (result.succeeded()) {
      WriteOutcome outcome = result.result();
      observer.batchWritten(batch.events.size(), outcome.duplicates(), latency);
      List<Event> inserted = new ArrayList<>();
      List<Submission> done = settle(batch, outcome, inserted);
      emitInOrder(batch.seq, inserted);
      done.forEach(s -> s.complete(new IngestResult(s.accepted, s.duplicates)));
    } else {
      observer.batchFailed(batch.events.size(), latency, result.cause());
      emitInOrder(batch.seq, List.of());
      fail(batch, result.cause());
    }
    pump();
  }

  /** Counts the batch's outcome into its submissions; returns those now complete. */
  private List<Submission> settle(Batch batch, WriteOutcome outcome, List<Event> inserted) {
    List<Submission> done = new ArrayList<>();
    int index = 0;
    for (Segment segment : batch.segments) {
      Submission submission = segment.submission;
      for (int i = segment.from; i < segment.to; i++, index++) {
        if (outcome.isDuplicate(index)) {
          submission.duplicates++;
        } else {
          submission.accepted++;
          inserted.add(submission.events.get(i));
        }
      }
      submission.outstanding -= segment.to - segment.from;
      if (submission.outstanding == 0 && !submission.failed) {
        done.add(submission);
      }
    }
    return done;
  }

  private void fail(Batch batch, Throwable cause) {
    log.warn(
        "failed to write events [events: {}, error: {}]", batch.events.size(), cause.getMessage());
    // the handlers' exception, which carries Retry-After; this package's stays inside the store
    var unavailable = new dev.tripline.handlers.StoreUnavailableException(options.retryAfter());
    Set<Submission> affected = new LinkedHashSet<>();
    for (Segment segment : batch.segments) {
      segment.submission.outstanding -= segment.to - segment.from;
      affected.add(segment.submission);
    }
    for (Submission submission : affected) {
      if (!submission.failed) {
        submission.failed = true;
        submission.fail(unavailable);
      }
    }
  }

  /** Hands batches to the sink in the order they were formed, whatever order they finish in. */
  private void emitInOrder(long seq, List<Event> inserted) {
    durableOutOfOrder.put(seq, inserted);
    while (!durableOutOfOrder.isEmpty() && durableOutOfOrder.firstKey() == nextSeqToEmit) {
      List<Event> events = durableOutOfOrder.pollFirstEntry().getValue();
      nextSeqToEmit++;
      if (!events.isEmpty()) {
        try {
          onDurable.accept(events);
        } catch (RuntimeException e) {
          // the events are stored and acknowledged; a broken sink must not stop the writer
          log.error("failed to hand over durable events [events: {}]", events.size(), e);
        }
      }
    }
  }

  private void completeDrainsIfIdle() {
    if (!accepting && depth.get() == 0 && inFlight == 0 && !drains.isEmpty()) {
      List<Promise<Void>> done = new ArrayList<>(drains);
      drains.clear();
      done.forEach(Promise::complete);
    }
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** One ingest call: its events, how far they have been batched and what became of them. */
  private static final class Submission {
    final List<Event> events;
    final Promise<IngestResult> promise;
    final Context caller;
    int next;
    int outstanding;
    int accepted;
    int duplicates;
    boolean failed;

    Submission(List<Event> events, Promise<IngestResult> promise, Context caller) {
      this.events = events;
      this.promise = promise;
      this.caller = caller;
      this.outstanding = events.size();
    }

    void complete(IngestResult result) {
      onCaller(() -> promise.complete(result));
    }

    void fail(Throwable cause) {
      onCaller(() -> promise.fail(cause));
    }

    private void onCaller(Runnable action) {
      if (caller == null || Vertx.currentContext() == caller) {
        action.run();
      } else {
        caller.runOnContext(v -> action.run());
      }
    }
  }

  /** A slice of one submission's events inside a batch. */
  private record Segment(Submission submission, int from, int to) {}

  /** One bulk write: slices of consecutive submissions, in queue order. */
  private static final class Batch {
    final long seq;
    final List<Segment> segments = new ArrayList<>();
    final List<Event> events = new ArrayList<>();

    Batch(long seq) {
      this.seq = seq;
    }

    void add(Submission submission, int from, int to) {
      segments.add(new Segment(submission, from, to));
      events.addAll(submission.events.subList(from, to));
    }
  }
}
