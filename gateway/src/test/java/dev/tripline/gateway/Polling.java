package dev.tripline.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting in tests without sleeps: polling for state written after a response, and blocking. */
final class Polling {

  private static final int INTERVAL_MS = 20;
  private static final int MAX_TRIES = 500;

  private Polling() {}

  /** Polls the probe every 20 ms until its value passes {@code done}; fails after 10 s. */
  static <T> Future<T> until(Vertx vertx, Supplier<Future<T>> probe, Predicate<T> done) {
    Promise<T> result = Promise.promise();
    AtomicInteger tries = new AtomicInteger();
    vertx.setPeriodic(
        INTERVAL_MS,
        timer ->
            probe
                .get()
                .onSuccess(
                    value -> {
                      if (done.test(value)) {
                        vertx.cancelTimer(timer);
                        result.tryComplete(value);
                      } else if (tries.incrementAndGet() > MAX_TRIES) {
                        vertx.cancelTimer(timer);
                        result.tryFail("still " + value);
                      }
                    }));
    return result.future();
  }

  /** The future's value, waiting at most 60 s. */
  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
