package dev.tripline.gateway.profile;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import dev.tripline.gateway.delivery.TestMongo;
import dev.tripline.handlers.segment.ProfileUpdate;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.WriteOption;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MongoProfilesTest {

  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  MongoServer server;
  MongoClient mongo;
  ProfileCache cache;
  MongoProfiles profiles;

  @BeforeEach
  void setUp(Vertx vertx) {
    server = TestMongo.start();
    mongo = TestMongo.client(vertx, server);
    cache = new ProfileCache(100, Duration.ofMinutes(10), InstantSource.fixed(T0));
    profiles = new MongoProfiles(mongo, cache, Duration.ofSeconds(5), WriteOption.ACKNOWLEDGED);
  }

  @AfterEach
  void tearDown() {
    mongo.close();
    server.shutdownNow();
  }

  @Test
  void should_merge_traits_and_keep_first_and_last_seen_whatever_the_order(VertxTestContext tc) {
    profiles
        .identify(
            List.of(
                new ProfileUpdate(
                    "u1",
                    Map.of("plan", "free", "seats", 1L),
                    T0.plusSeconds(60),
                    T0.plusSeconds(60))))
        .compose(
            v ->
                // an older call arriving later: its trait wins (arrival order), the times do not
                // move
                // the last seen back
                profiles.identify(
                    List.of(
                        new ProfileUpdate(
                            "u1",
                            Map.of("plan", "pro", "address", Map.of("city", "Seoul")),
                            T0,
                            T0))))
        .compose(
            v -> mongo.findOne(MongoProfiles.COLLECTION, new JsonObject().put("_id", "u1"), null))
        .onComplete(
            tc.succeeding(
                doc ->
                    tc.verify(
                        () -> {
                          assertThat(doc.getJsonObject("traits"))
                              .isEqualTo(
                                  new JsonObject()
                                      .put("plan", "pro")
                                      .put("seats", 1L)
                                      .put("address", new JsonObject().put("city", "Seoul")));
                          assertThat(doc.getLong("version")).isEqualTo(2);
                          Map<String, Object> profile = cache.fresh("u1").profile();
                          assertThat(profile)
                              .containsEntry("userId", "u1")
                              .containsEntry("firstSeen", T0.toString())
                              .containsEntry("lastSeen", T0.plusSeconds(60).toString());
                          assertThat(profile.get("traits"))
                              .isEqualTo(
                                  Map.of(
                                      "plan",
                                      "pro",
                                      "seats",
                                      1L,
                                      "address",
                                      Map.of("city", "Seoul")));
                          assertThat(cache.fresh("u1").version()).isEqualTo(2);
                          tc.completeNow();
                        })));
  }

  @Test
  void should_load_known_users_and_cache_unknown_ones_as_absent(VertxTestContext tc) {
    profiles
        .identify(List.of(new ProfileUpdate("u1", Map.of(), T0, T0)))
        .compose(
            v -> {
              // another gateway's cache does not know u1 yet
              ProfileCache other =
                  new ProfileCache(100, Duration.ofMinutes(10), InstantSource.fixed(T0));
              MongoProfiles elsewhere =
                  new MongoProfiles(mongo, other, Duration.ofSeconds(5), WriteOption.ACKNOWLEDGED);
              return elsewhere.load(Set.of("u1", "u2")).map(found -> Map.entry(found, other));
            })
        .onComplete(
            tc.succeeding(
                loaded ->
                    tc.verify(
                        () -> {
                          assertThat(loaded.getKey()).containsOnlyKeys("u1");
                          assertThat(loaded.getKey().get("u1").get("traits")).isEqualTo(Map.of());
                          ProfileCache other = loaded.getValue();
                          assertThat(other.fresh("u1").profile()).isNotNull();
                          assertThat(other.fresh("u2")).isNotNull();
                          assertThat(other.fresh("u2").profile()).isNull();
                          tc.completeNow();
                        })));
  }
}
