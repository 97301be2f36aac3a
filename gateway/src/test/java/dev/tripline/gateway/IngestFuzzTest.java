package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tripline.gateway.fuzz.IngestFuzz;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded, seeded fuzz of every ingest route of one real gateway (write keys, a Standard Webhooks
 * and a mapped HMAC source, the embedded store over TCP): a few thousand ugly inputs over {@code
 * /v1/events}, CloudEvents (structured, batch, binary), the Segment API, {@code /hooks/...}
 * (correctly signed, so that the fuzz reaches the mapper, and forged), {@code /v1/stream} (text,
 * binary and fragmented frames, protocol errors) and the HTTP codec itself, while valid clients
 * keep sending (see {@link IngestFuzz} and its package).
 *
 * <p>Asserts: no 5xx except 503 with Retry-After, and no 503 at all while the store is healthy;
 * every error a JSON object with a string {@code error}; a 2xx only for valid input, and exactly
 * what it acknowledged stored once and unaltered; every stream frame answered once, or the socket
 * closed with the code RFC 6455 prescribes; every valid client's request acknowledged and stored
 * once. All failures of a run are collected and reported grouped by kind, route and mutation, each
 * group with its count and an example (case number, input, status, body), with the seed ({@code
 * -Dfuzz.seed=N} tries another); the full list goes to {@code target/ingest-fuzz-failures.txt}.
 */
@ExtendWith(VertxExtension.class)
class IngestFuzzTest {

  @TempDir Path dir;

  @Test
  void should_refuse_ugly_inputs_with_json_4xx_and_keep_acknowledging_valid_clients(Vertx vertx)
      throws Exception {
    long seed = Long.getLong("fuzz.seed", IngestFuzz.DEFAULT_SEED);
    IngestFuzz fuzz = new IngestFuzz(vertx, seed);
    Gateway gateway =
        await(
            new TestGateway(dir)
                .sources(IngestFuzz.SOURCES)
                .env(IngestFuzz.ENV)
                .config(IngestFuzz.CONFIG)
                .start(vertx));
    List<JsonObject> stored;
    try {
      await(fuzz.run(gateway.httpPort()));
      stored = storedEvents(vertx, gateway);
    } finally {
      await(fuzz.close());
      long stopping = System.nanoTime();
      try {
        await(gateway.stop());
      } catch (Exception e) {
        fuzz.stopFailed(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping), e);
      }
    }
    fuzz.check(stored);

    String summary = fuzz.summary(stored.size());
    fuzz.failures().writeTo(Path.of("target", "ingest-fuzz-failures.txt"), summary);
    assertThat(fuzz.failures().isEmpty()).as(fuzz.failures().report(summary, 2)).isTrue();
  }

  private static List<JsonObject> storedEvents(Vertx vertx, Gateway gateway) throws Exception {
    MongoClient mongo = TestGateway.mongo(vertx, gateway);
    try {
      JsonObject fields =
          new JsonObject()
              .put("id", 1)
              .put("source", 1)
              .put("type", 1)
              .put("properties", 1)
              .put("context", 1);
      return await(
          mongo.findWithOptions("events", new JsonObject(), new FindOptions().setFields(fields)));
    } finally {
      await(mongo.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
