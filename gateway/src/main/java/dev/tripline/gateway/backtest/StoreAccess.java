package dev.tripline.gateway.backtest;

import com.mongodb.ConnectionString;
import com.mongodb.MongoTimeoutException;
import dev.tripline.gateway.config.GatewayConfig;
import dev.tripline.gateway.store.EmbeddedMongo;
import dev.tripline.gateway.store.EmbeddedMongoOptions;
import dev.tripline.gateway.store.StoreClients;
import dev.tripline.gateway.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The MongoDB a backtest reads from, through the Vert.x MongoDB client: the configured {@code
 * mongo.uri}; without one, the embedded store of a gateway running on 127.0.0.1:{@code
 * mongo.embedded.port}; when nothing answers there, the embedded store's data file, opened
 * read-only. Finding and pinging the store time out after {@code mongo.timeout}; reads after the
 * backtest's read timeout, since a store may sort a whole range before its first reply.
 */
final class StoreAccess {

  private final Vertx vertx;
  private final MongoClient client;
  private final String description;
  private final EmbeddedMongo opened;

  private StoreAccess(Vertx vertx, MongoClient client, String description, EmbeddedMongo opened) {
    this.vertx = vertx;
    this.client = client;
    this.description = description;
    this.opened = opened;
  }

  MongoClient client() {
    return client;
  }

  /** Where the events come from, for the report; never credentials. */
  String description() {
    return description;
  }

  /**
   * Finds the store and checks that it answers.
   *
   * @return fails with {@link StoreUnavailableException} naming what was tried, or with {@link
   *     IllegalArgumentException} when {@code mongo.uri} is not a connection string
   */
  static Future<StoreAccess> open(Vertx vertx, GatewayConfig.Mongo mongo, Duration readTimeout) {
    if (mongo.uri().isPresent()) {
      String uri = mongo.uri().get();
      String hosts;
      try {
        hosts = String.join(",", new ConnectionString(uri).getHosts());
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(
            new IllegalArgumentException(
                "mongo.uri: must be a MongoDB connection string: " + e.getMessage()));
      }
      return connect(vertx, mongo, readTimeout, uri, "MongoDB at " + hosts, null);
    }
    int port = mongo.embeddedPort();
    String address = "127.0.0.1:" + port;
    Future<Boolean> answers =
        port == 0 ? Future.succeededFuture(false) : answers(vertx, port, mongo);
    return answers.compose(
        yes ->
            yes
                ? connect(
                    vertx,
                    mongo,
                    readTimeout,
                    "mongodb://" + address,
                    "the embedded store of the gateway on " + address,
                    null)
                : fromDataFile(
                    vertx,
                    mongo,
                    readTimeout,
                    port == 0
                        ? "mongo.embedded.port is 0, so no running gateway can be found"
                        : "no gateway answers on " + address));
  }

  /** The embedded store's data file, opened read-only, since no gateway serves it. */
  private static Future<StoreAccess> fromDataFile(
      Vertx vertx, GatewayConfig.Mongo mongo, Duration readTimeout, String nobody) {
    if (!mongo.embeddedBackend().equals("h2")) {
      return Future.failedFuture(
          new StoreUnavailableException(
              nobody
                  + ", and the embedded "
                  + mongo.embeddedBackend()
                  + " backend keeps no events once its gateway stops",
              null));
    }
    Path file = mongo.embeddedDataDir().resolve(EmbeddedMongoOptions.H2_FILE_NAME);
    String hint =
        mongo.embeddedPort() == 0
            ? ""
            : " (a gateway on another port? set mongo.embedded.port to the port it listens on)";
    return openReadOnly(vertx, mongo.embeddedDataDir())
        .recover(
            e ->
                Future.failedFuture(
                    new StoreUnavailableException(nobody + ", and " + e.getMessage() + hint, e)))
        .compose(
            embedded ->
                connect(
                    vertx,
                    mongo,
                    readTimeout,
                    embedded.connectionString(),
                    "the embedded store " + file + " (read-only)",
                    embedded));
  }

  /**
   * Opens the data file on a worker of its own: the embedded server rebuilds its indexes from every
   * stored document when it opens a file (about 30 s for 200,000 events here), longer than Vert.x
   * lets a shared worker run before it warns.
   */
  private static Future<EmbeddedMongo> openReadOnly(Vertx vertx, Path dataDir) {
    WorkerExecutor opener =
        vertx.createSharedWorkerExecutor("tripline-backtest-open", 1, 1, TimeUnit.HOURS);
    return opener
        .executeBlocking(() -> EmbeddedMongo.openReadOnly(dataDir))
        .eventually(opener::close);
  }

  /** Whether anything accepts a TCP connection on 127.0.0.1:{@code port}. */
  private static Future<Boolean> answers(Vertx vertx, int port, GatewayConfig.Mongo mongo) {
    int timeoutMs = (int) Math.min(Integer.MAX_VALUE, mongo.timeout().toMillis());
    NetClient probe = vertx.createNetClient(new NetClientOptions().setConnectTimeout(timeoutMs));
    return probe
        .connect(port, "127.0.0.1")
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .compose(socket -> socket.close().otherwiseEmpty())
        .map(true)
        .otherwise(false)
        .eventually(probe::close);
  }

  private static Future<StoreAccess> connect(
      Vertx vertx,
      GatewayConfig.Mongo mongo,
      Duration readTimeout,
      String connectionString,
      String description,
      EmbeddedMongo opened) {
    long timeoutMs = mongo.timeout().toMillis();
    JsonObject config =
        new JsonObject()
            .put("connection_string", connectionString)
            .put("db_name", mongo.database())
            .put("serverSelectionTimeoutMS", timeoutMs)
            .put("connectTimeoutMS", timeoutMs)
            .put("socketTimeoutMS", readTimeout.toMillis());
    MongoClient client = StoreClients.create(vertx, config, "tripline-backtest");
    StoreAccess access = new StoreAccess(vertx, client, description, opened);
    return client
        .runCommand("ping", new JsonObject().put("ping", 1))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<StoreAccess>map(reply -> access)
        .recover(
            e ->
                access
                    .close()
                    .transform(
                        closed ->
                            Future.failedFuture(
                                new StoreUnavailableException(
                                    unreachable(description, mongo, e), e))));
  }

  private static String unreachable(
      String description, GatewayConfig.Mongo mongo, Throwable failure) {
    String where = description + " (database " + mongo.database() + ")";
    if (failure instanceof TimeoutException || failure instanceof MongoTimeoutException) {
      return "cannot reach "
          + where
          + " within "
          + mongo.timeout().toMillis()
          + " ms (mongo.timeout)";
    }
    return "cannot read from " + where + ": " + failure.getMessage();
  }

  /** Closes the client, then the embedded store this opened, if any. */
  Future<Void> close() {
    return client
        .close()
        .otherwiseEmpty()
        .compose(
            v ->
                opened == null
                    ? Future.<Void>succeededFuture()
                    : vertx.executeBlocking(
                        () -> {
                          opened.close();
                          return null;
                        }));
  }
}
