package dev.tripline.gateway.store;

import dev.tripline.rules.Event;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * Where accepted events are kept. A succeeded write is durable. Failures other than duplicates are
 * reported as {@link StoreUnavailableException}, whatever the driver raised.
 */
public interface EventStore {

  /**
   * Creates the indexes the store relies on (above all the unique ({@code source}, {@code id})).
   */
  Future<Void> createIndexes();

  /**
   * Inserts the events in one round trip. Events whose ({@code source}, {@code id}) is already
   * stored, or appears earlier in the same list, are not stored again and are reported as
   * duplicates by their index in {@code events}.
   */
  Future<WriteOutcome> insert(List<Event> events);

  /**
   * The events of {@code events} this store cannot hold as they are (a date outside what it can
   * store, a document over its size limit, ...), in index order; empty when it can hold them all.
   * An insert holding one fails as a whole, so callers that share inserts between requests check
   * first. CPU only and thread-safe: it may run on any event loop.
   */
  List<UnstorableEvent> unstorable(List<Event> events);

  /** Deletes the events received before {@code cutoff}; returns how many. */
  Future<Long> deleteReceivedBefore(Instant cutoff);

  /** How many events are stored. */
  Future<Long> count();
}
