package dev.tripline.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class StoreClientsTest {

  @Test
  void should_write_where_the_vertx_default_client_reads(Vertx vertx, VertxTestContext ctx) {
    EmbeddedMongo server = EmbeddedMongo.start(EmbeddedMongoOptions.memory().withPort(0));
    JsonObject config = StoreFixture.clientConfig(server.connectionString());
    MongoClient client = StoreClients.create(vertx, config, "t1");
    MongoClient reference = MongoClient.create(vertx, config);
    JsonObject doc =
        new JsonObject()
            .put("_id", "a")
            .put("when", new JsonObject().put("$date", "2026-11-23T10:00:00Z"));
    client
        .insert("things", doc)
        .compose(id -> reference.findOne("things", new JsonObject().put("_id", "a"), null))
        .onComplete(
            ctx.succeeding(
                found ->
                    ctx.verify(
                        () -> {
                          assertThat(found).isEqualTo(doc);
                          client.close();
                          reference.close().onComplete(v -> server.close());
                          ctx.completeNow();
                        })));
  }

  @Test
  void should_fail_within_the_configured_selection_timeout_when_no_server_listens(
      Vertx vertx, VertxTestContext ctx) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    JsonObject config =
        new JsonObject()
            .put("connection_string", "mongodb://127.0.0.1:" + port)
            .put("db_name", "tripline")
            .put("serverSelectionTimeoutMS", 300)
            .put("connectTimeoutMS", 300);
    MongoClient client = StoreClients.create(vertx, config, "t2");
    long started = System.nanoTime();
    client
        .count("things", new JsonObject())
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          // the driver's default would be 30 s: the config's timeout was applied
                          assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(10_000);
                          client.close();
                          ctx.completeNow();
                        })));
  }

  private static JsonObject dateOf(String iso) {
    return new JsonObject().put("$date", iso);
  }
}
