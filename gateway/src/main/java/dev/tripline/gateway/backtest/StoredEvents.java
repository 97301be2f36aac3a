package dev.tripline.gateway.backtest;

import com.mongodb.MongoSocketReadTimeoutException;
import dev.tripline.gateway.store.EventDocuments;
import dev.tripline.gateway.store.StoreUnavailableException;
import dev.tripline.rules.Durations;
import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads the stored events whose event time lies in a range, in event-time order ({@code _id} breaks
 * ties), through one cursor: the client holds at most one batch, never the whole range.
 *
 * <p>A stream has no single reply to time out, so the read fails when no event arrives for {@code
 * timeout}; the first may take a while when the store sorts a large range without an index. A
 * stored document that is not an event is skipped and counted; the first such problem is kept for
 * the report.
 */
final class StoredEvents {

  private final Vertx vertx;
  private final MongoClient client;
  private final String collection;
  private final Duration timeout;
  private final int batchSize;

  StoredEvents(
      Vertx vertx, MongoClient client, String collection, Duration timeout, int batchSize) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.client = Objects.requireNonNull(client, "client");
    this.collection = Objects.requireNonNull(collection, "collection");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.batchSize = batchSize;
  }

  /**
   * What a read saw besides the events.
   *
   * @param skipped documents in the range that are not events
   * @param firstProblem why the first of them was skipped, or null
   */
  record Skipped(long skipped, String firstProblem) {}

  /** The query: event time in [from, to). */
  static JsonObject range(Instant from, Instant to) {
    return new JsonObject()
        .put(
            "timestamp",
            new JsonObject()
                .put("$gte", EventDocuments.date(from))
                .put("$lt", EventDocuments.date(to)));
  }

  /** The order: event time, then {@code _id} so that events of one instant replay the same way. */
  static JsonObject order() {
    return new JsonObject().put("timestamp", 1).put("_id", 1);
  }

  /**
   * Hands each event of [from, to) to {@code action}, in order, on the caller's context.
   *
   * @return what was skipped; fails with {@link StoreUnavailableException} when the store fails or
   *     goes quiet for {@code timeout}, or with what {@code action} threw
   */
  Future<Skipped> forEach(Instant from, Instant to, Consumer<Event> action) {
    ReadStream<JsonObject> stream =
        client.findBatchWithOptions(
            collection,
            range(from, to),
            new FindOptions().setSort(order()).setBatchSize(batchSize));
    return new Read(stream, action).done.future();
  }

  /** One read in progress; touched only on the caller's context. */
  private final class Read {
    final Promise<Skipped> done = Promise.promise();
    final Consumer<Event> action;
    long lastReplyNanos = System.nanoTime();
    long skipped;
    String firstProblem;

    Read(ReadStream<JsonObject> stream, Consumer<Event> action) {
      this.action = action;
      long watchdog = vertx.setPeriodic(Math.max(10, timeout.toMillis() / 4), id -> checkQuiet());
      done.future().onComplete(ar -> vertx.cancelTimer(watchdog));
      stream
          .exceptionHandler(
              e ->
                  done.tryFail(
                      e instanceof MongoSocketReadTimeoutException
                          ? quiet(e)
                          : new StoreUnavailableException(
                              "cannot read events: " + e.getMessage(), e)))
          .endHandler(v -> done.tryComplete(new Skipped(skipped, firstProblem)))
          .handler(this::accept);
    }

    private void checkQuiet() {
      if (System.nanoTime() - lastReplyNanos > timeout.toNanos()) {
        done.tryFail(quiet(null));
      }
    }

    private StoreUnavailableException quiet(Throwable cause) {
      return new StoreUnavailableException(
          "no events from the store within " + Durations.format(timeout) + " (--read-timeout)",
          cause);
    }

    private void accept(JsonObject doc) {
      lastReplyNanos = System.nanoTime();
      if (done.future().isComplete()) {
        return;
      }
      Event event;
      try {
        event = EventDocuments.fromDocument(doc);
      } catch (RuntimeException e) {
        if (skipped++ == 0) {
          firstProblem = "_id " + doc.getValue("_id") + ": " + e.getMessage();
        }
        return;
      }
      try {
        action.accept(event);
      } catch (RuntimeException e) {
        done.tryFail(e);
      }
    }
  }
}
