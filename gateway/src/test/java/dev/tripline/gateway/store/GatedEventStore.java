package dev.tripline.gateway.store;

import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A store whose inserts wait until the test releases (or fails) them, one by one: the deterministic
 * way to have writes in flight for as long as a test needs.
 */
final class GatedEventStore implements EventStore {

  /** One insert the writer is waiting for. */
  record Held(List<Event> events, Promise<WriteOutcome> outcome) {}

  private final EventStore delegate;
  private final List<Held> held = new ArrayList<>();
  private final List<Promise<Held>> awaited = new ArrayList<>();

  GatedEventStore(EventStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public synchronized Future<WriteOutcome> insert(List<Event> events) {
    Held insert = new Held(List.copyOf(events), Promise.promise());
    held.add(insert);
    promiseFor(held.size() - 1).tryComplete(insert);
    return insert.outcome().future();
  }

  /** Completes when the {@code n}-th insert (from 0) has been asked for. */
  synchronized Future<Held> held(int n) {
    return promiseFor(n).future();
  }

  synchronized int inserts() {
    return held.size();
  }

  /** Lets the insert through to the real store. */
  Future<WriteOutcome> release(Held insert) {
    delegate.insert(insert.events()).onComplete(insert.outcome());
    return insert.outcome().future();
  }

  void fail(Held insert, Throwable cause) {
    insert.outcome().fail(cause);
  }

  private Promise<Held> promiseFor(int n) {
    while (awaited.size() <= n) {
      awaited.add(Promise.promise());
    }
    return awaited.get(n);
  }

  @Override
  public List<UnstorableEvent> unstorable(List<Event> events) {
    return delegate.unstorable(events);
  }

  @Override
  public Future<Void> createIndexes() {
    return delegate.createIndexes();
  }

  @Override
  public Future<Long> deleteReceivedBefore(Instant cutoff) {
    return delegate.deleteReceivedBefore(cutoff);
  }

  @Override
  public Future<Long> count() {
    return delegate.count();
  }
}
