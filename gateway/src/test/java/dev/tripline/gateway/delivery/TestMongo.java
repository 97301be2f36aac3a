package dev.tripline.gateway.delivery;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.net.InetSocketAddress;
import java.util.UUID;

/** A MongoDB-wire-compatible server in memory, reached over TCP like a real one. */
public final class TestMongo {

  private TestMongo() {}

  public static MongoServer start() {
    MongoServer server = new MongoServer(new MemoryBackend());
    server.bind("127.0.0.1", 0);
    return server;
  }

  /** A client on a database of its own, so that tests sharing a server do not see each other. */
  public static MongoClient client(Vertx vertx, MongoServer server) {
    return client(vertx, server, "t" + UUID.randomUUID().toString().replace("-", ""));
  }

  /** A client on the named database, e.g. a second one standing for a restarted process. */
  public static MongoClient client(Vertx vertx, MongoServer server, String database) {
    InetSocketAddress address = server.getLocalAddress();
    return MongoClient.create(
        vertx,
        new JsonObject()
            .put(
                "connection_string",
                "mongodb://" + address.getHostString() + ":" + address.getPort())
            .put("db_name", database));
  }
}
