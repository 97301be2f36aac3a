package dev.tripline.handlers;

import dev.tripline.rules.Event;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where handlers hand validated events. Implementations make the events durable before the returned
 * future succeeds; only then may a handler acknowledge them.
 */
public interface IngestService {

  /**
   * Stores the events durably, dropping duplicates of already stored ({@code source}, {@code id})
   * pairs (and of each other).
   *
   * @return the counts once every event is durable or known to be a duplicate; fails with {@link
   *     OverloadedException} when the write queue is full (nothing was stored), with a 400 {@link
   *     IngestRejection} when an event cannot be stored as it is (nothing was stored, and no other
   *     caller's events were affected), or with another exception, such as {@link
   *     StoreUnavailableException}, when the store failed (some events may be stored; re-sending is
   *     safe because of dedup)
   */
  Future<IngestResult> ingest(List<Event> events);

  /** What became of a list of events. */
  record IngestResult(int accepted, int duplicates) {}
}
