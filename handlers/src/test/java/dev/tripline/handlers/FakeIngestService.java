package dev.tripline.handlers;

import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An in-memory {@link IngestService} with ({@code source}, {@code id}) dedup that a test can make
 * overloaded, unavailable, failing, refuse events, or hold (answer only when the test completes the
 * call).
 */
final class FakeIngestService implements IngestService {

  enum Mode {
    NORMAL,
    OVERLOADED,
    FAILING,
    HOLD
  }

  /** A held call: the test completes it with {@link #release()}. */
  record Held(List<Event> events, Promise<IngestResult> promise) {}

  final Map<String, Event> stored = new ConcurrentHashMap<>();
  final List<List<Event>> calls = new CopyOnWriteArrayList<>();
  final Queue<Held> held = new ConcurrentLinkedQueue<>();
  final AtomicInteger maxHeld = new AtomicInteger();
  volatile Mode mode = Mode.NORMAL;
  volatile Duration retryAfter = Duration.ofMillis(1500);

  /** While positive, calls fail as overloaded and count it down, then behave normally. */
  final AtomicInteger overloadedCalls = new AtomicInteger();

  /** While positive, calls fail as the store being unavailable and count it down. */
  final AtomicInteger unavailableCalls = new AtomicInteger();

  /** Calls holding an event with one of these ids are refused, as events a store cannot hold. */
  final Set<String> unstorableIds = ConcurrentHashMap.newKeySet();

  volatile Consumer<List<Event>> onCall = events -> {};

  @Override
  public Future<IngestResult> ingest(List<Event> events) {
    calls.add(events);
    try {
      if (overloadedCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || mode == Mode.OVERLOADED) {
        return Future.failedFuture(new OverloadedException("write queue full", retryAfter));
      }
      if (unavailableCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return Future.failedFuture(new StoreUnavailableException(retryAfter));
      }
      for (int i = 0; i < events.size(); i++) {
        if (unstorableIds.contains(events.get(i).id())) {
          return Future.failedFuture(
              new IngestRejection(
                  RejectReason.INVALID_EVENT,
                  400,
                  "timestamp: cannot be stored",
                  "timestamp",
                  events.size() > 1 ? i : null));
        }
      }
      if (mode == Mode.FAILING) {
        return Future.failedFuture(new IllegalStateException("store down"));
      }
      if (mode == Mode.HOLD) {
        Promise<IngestResult> promise = Promise.promise();
        held.add(new Held(events, promise));
        maxHeld.accumulateAndGet(held.size(), Math::max);
        return promise.future();
      }
      return Future.succeededFuture(store(events));
    } finally {
      onCall.accept(events);
    }
  }

  /** Stores the oldest held call and completes it. */
  void release() {
    Held next = held.poll();
    next.promise().complete(store(next.events()));
  }

  private IngestResult store(List<Event> events) {
    int accepted = 0;
    Set<String> seen = new HashSet<>();
    for (Event event : events) {
      String key = event.source() + "\u0000" + event.id();
      if (seen.add(key) && stored.putIfAbsent(key, event) == null) {
        accepted++;
      }
    }
    return new IngestResult(accepted, events.size() - accepted);
  }
}
