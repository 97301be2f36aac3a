package dev.tripline.gateway.store;

import static dev.tripline.gateway.store.StoreFixture.await;
import static dev.tripline.gateway.store.TestEvents.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class EmbeddedMongoTest {

  @Test
  void should_report_wire_version_13_so_modern_tools_can_connect(Vertx vertx) {
    try (StoreFixture fixture = new StoreFixture(vertx, EmbeddedMongoOptions.memory())) {
      JsonObject reply =
          await(fixture.client.runCommand("isMaster", new JsonObject().put("isMaster", 1)));
      JsonObject build =
          await(fixture.client.runCommand("buildInfo", new JsonObject().put("buildInfo", 1)));

      assertThat(reply.getInteger("maxWireVersion")).isEqualTo(13);
      assertThat(build.getString("version")).isEqualTo("5.0.0");
    }
  }

  @Test
  void should_keep_events_across_a_clean_restart_in_the_same_data_dir(
      Vertx vertx, @TempDir Path dataDir) {
    try (StoreFixture first = new StoreFixture(vertx, dataDir)) {
      await(first.store.insert(events("e", 100)));
    }
    try (StoreFixture second = new StoreFixture(vertx, dataDir)) {
      assertThat(await(second.store.count())).isEqualTo(100);
    }
  }

  @Test
  void should_keep_nothing_on_disk_with_the_memory_backend(Vertx vertx, @TempDir Path dataDir) {
    EmbeddedMongoOptions memory =
        new EmbeddedMongoOptions(EmbeddedMongoOptions.Backend.MEMORY, dataDir, 0, false);
    try (StoreFixture fixture = new StoreFixture(vertx, memory)) {
      await(fixture.store.insert(events("e", 3)));
      assertThat(await(fixture.store.count())).isEqualTo(3);
    }
    assertThat(dataDir).isEmptyDirectory();
  }

  @Test
  void should_serve_a_stopped_store_read_only_and_let_go_of_it(Vertx vertx, @TempDir Path dataDir) {
    try (StoreFixture first = new StoreFixture(vertx, dataDir)) {
      await(first.store.insert(events("e", 10)));
    }
    EmbeddedMongo readOnly = EmbeddedMongo.openReadOnly(dataDir);
    MongoClient client =
        StoreClients.create(
            vertx, StoreFixture.clientConfig(readOnly.connectionString()), "read-only");
    try {
      assertThat(await(client.count(EventStoreOptions.DEFAULT_COLLECTION, new JsonObject())))
          .isEqualTo(10);
    } finally {
      await(client.close());
      readOnly.close();
    }
    try (StoreFixture again = new StoreFixture(vertx, dataDir)) {
      assertThat(await(again.store.count())).isEqualTo(10);
    }
  }

  @Test
  void should_refuse_to_open_a_store_a_running_server_holds(Vertx vertx, @TempDir Path dataDir) {
    try (StoreFixture running = new StoreFixture(vertx, dataDir)) {
      assertThatThrownBy(() -> EmbeddedMongo.openReadOnly(dataDir))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessage(dataDir.resolve("tripline.mv.db") + " is locked by another process");
    }
  }

  @Test
  void should_not_create_a_store_to_open_read_only(@TempDir Path dir) {
    Path dataDir = dir.resolve("data");

    assertThatThrownBy(() -> EmbeddedMongo.openReadOnly(dataDir))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessage("there is no data file at " + dataDir.resolve("tripline.mv.db"));
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void should_name_the_port_when_it_is_out_of_range() {
    assertThatThrownBy(() -> EmbeddedMongoOptions.memory().withPort(70_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: must be between 0 and 65535, was 70000");
  }
}
