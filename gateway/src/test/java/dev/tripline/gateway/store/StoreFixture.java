package dev.tripline.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** An embedded server with a Vert.x MongoDB client talking to it over TCP, as in production. */
final class StoreFixture implements AutoCloseable {

  static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(3);

  final Vertx vertx;
  final Path dataDir;
  EmbeddedMongo server;
  final MongoClient client;
  final MongoEventStore store;

  StoreFixture(Vertx vertx, Path dataDir) {
    this(vertx, EmbeddedMongoOptions.h2(dataDir));
  }

  StoreFixture(Vertx vertx, EmbeddedMongoOptions options) {
    this.vertx = vertx;
    this.dataDir = options.dataDir();
    this.server = EmbeddedMongo.start(options);
    this.client = StoreClients.create(vertx, clientConfig(server.connectionString()), "fixture");
    this.store =
        new MongoEventStore(
            client, EventStoreOptions.defaults().withOperationTimeout(OPERATION_TIMEOUT));
    await(store.createIndexes());
  }

  /** Fails fast when the server is gone, and finds it again quickly when it is back. */
  static JsonObject clientConfig(String connectionString) {
    return new JsonObject()
        .put("connection_string", connectionString)
        .put("db_name", "tripline")
        .put("serverSelectionTimeoutMS", 2_000)
        .put("heartbeatFrequencyMS", 500)
        .put("connectTimeoutMS", 1000);
  }

  /** The ids of every stored event. */
  Set<String> storedIds() {
    List<JsonObject> docs =
        await(
            client.findWithOptions(
                EventStoreOptions.DEFAULT_COLLECTION,
                new JsonObject(),
                new FindOptions().setFields(new JsonObject().put("id", 1))));
    return docs.stream().map(doc -> doc.getString("id")).collect(Collectors.toSet());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out waiting for " + future, e);
    }
  }

  @Override
  public void close() {
    await(client.close());
    if (server != null) {
      server.close();
    }
  }
}
