package dev.tripline.handlers;

import dev.tripline.handlers.IngestService.IngestResult;
import dev.tripline.rules.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link IngestService} the way both transports need: with a timeout, reporting to the
 * observer, and with every failure reduced to the three a client can act on: {@link
 * IngestRejection} (an event the store cannot hold: fix it, do not retry), {@link
 * OverloadedException} (wait and retry) or {@link StoreUnavailableException} (retry later). A store
 * outage is never a 500: the client did nothing wrong. Public for the ingest routes of other
 * packages (the Segment-compatible API).
 */
public final class GuardedIngest {

  private static final Logger LOG = LoggerFactory.getLogger(GuardedIngest.class);

  private final Vertx vertx;
  private final IngestService service;
  private final IngestLimits limits;
  private final IngestObserver observer;
  private final InstantSource clock;

  public GuardedIngest(
      Vertx vertx,
      IngestService service,
      IngestLimits limits,
      IngestObserver observer,
      InstantSource clock) {
    this.vertx = vertx;
    this.service = service;
    this.limits = limits;
    this.observer = observer;
    this.clock = clock;
  }

  /**
   * Ingests the events with the limits' timeout.
   *
   * @return the counts once durable; fails with {@link IngestRejection}, {@link
   *     OverloadedException} or {@link StoreUnavailableException}
   */
  public Future<IngestResult> ingest(List<Event> events) {
    Instant start = clock.instant();
    return withTimeout(call(events))
        .transform(
            done -> {
              observer.ingestLatency(Duration.between(start, clock.instant()));
              if (done.succeeded()) {
                IngestResult result = done.result();
                observer.accepted(result.accepted());
                observer.duplicates(result.duplicates());
                return Future.succeededFuture(result);
              }
              if (done.cause() instanceof OverloadedException overloaded) {
                observer.rejected(RejectReason.OVERLOADED.tag());
                return Future.failedFuture(overloaded);
              }
              if (done.cause() instanceof IngestRejection rejection) {
                observer.rejected(rejection.reason().tag());
                return Future.failedFuture(rejection);
              }
              observer.rejected(RejectReason.STORE_UNAVAILABLE.tag());
              if (done.cause() instanceof StoreUnavailableException unavailable) {
                return Future.failedFuture(unavailable); // logged where the store failed
              }
              LOG.warn(
                  "failed to ingest events [count: {}, error: {}]",
                  events.size(),
                  LogText.escape(done.cause()));
              LOG.debug("ingest failure detail", done.cause());
              return Future.failedFuture(new StoreUnavailableException(limits.retryAfter()));
            });
  }

  private Future<IngestResult> call(List<Event> events) {
    try {
      Future<IngestResult> result = service.ingest(events);
      return result != null
          ? result
          : Future.failedFuture(new IllegalStateException("ingest returned no future"));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<IngestResult> withTimeout(Future<IngestResult> result) {
    if (result.isComplete()) {
      return result;
    }
    Duration timeout = limits.ingestTimeout();
    Promise<IngestResult> promise = Promise.promise();
    long timer =
        vertx.setTimer(
            timeout.toMillis(),
            id ->
                promise.tryFail(
                    new TimeoutException("ingest timed out after " + timeout.toMillis() + "ms")));
    result.onComplete(
        done -> {
          vertx.cancelTimer(timer);
          if (done.succeeded()) {
            promise.tryComplete(done.result());
          } else {
            promise.tryFail(done.cause());
          }
        });
    return promise.future();
  }
}
