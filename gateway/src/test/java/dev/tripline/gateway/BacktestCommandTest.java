package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import dev.tripline.gateway.store.EmbeddedMongo;
import dev.tripline.gateway.store.EmbeddedMongoOptions;
import dev.tripline.gateway.store.EventStoreOptions;
import dev.tripline.gateway.store.MongoEventStore;
import dev.tripline.gateway.store.StoreClients;
import dev.tripline.rules.Event;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar tripline.jar backtest}: events stored in an embedded store over TCP, replayed
 * in-process through a threshold and an absence rule; exit codes and what rule authors read.
 */
@ExtendWith(VertxExtension.class)
class BacktestCommandTest {

  private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-11-02T00:00:00Z");
  private static final InstantSource LATER =
      InstantSource.fixed(Instant.parse("2026-11-23T00:00:00Z"));

  /** Three events from one IP within 60 s; notifies two destinations. */
  private static final String BURST =
      """
      - id: burst
        detect: {threshold: {group_by: [ip], count: 3, within: 60s}}
        cooldown: 10m
        notify: [crm, slack]
      """;

  /** A cart without an order within 30 minutes. */
  private static final String CART_ABANDON =
      """
      - id: cart-abandon
        detect:
          absence:
            start: {on: [add_to_cart]}
            cancel: {on: [order_completed]}
            correlate_by: [userId]
            after: 30m
        notify: [crm]
      """;

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Vertx vertx;
  private Path dataDir;
  private Path candidate;
  private Path live;
  private Path destinations;
  private EmbeddedMongo server;
  private MongoClient client;
  private int ids;

  @BeforeEach
  void setUp(Vertx vertx) throws IOException {
    this.vertx = vertx;
    dataDir = dir.resolve("data");
    candidate = Files.createDirectories(dir.resolve("candidate"));
    live = Files.createDirectories(dir.resolve("live"));
    destinations = dir.resolve("destinations.yaml");
    Files.writeString(
        destinations,
        """
        - id: crm
          url: http://127.0.0.1:9/crm
          secret: whsec_ZGVtby1zZWNyZXQtZm9yLWxvY2FsLXVzZS1vbmx5
        - id: slack
          url: http://127.0.0.1:9/slack
          secret: whsec_ZGVtby1zZWNyZXQtZm9yLWxvY2FsLXVzZS1vbmx5
        """);
    Files.writeString(candidate.resolve("rules.yaml"), BURST + CART_ABANDON);
    server =
        EmbeddedMongo.start(EmbeddedMongoOptions.h2(dataDir).withPort(0).withSyncOnCommit(false));
    client =
        StoreClients.create(
            vertx,
            new JsonObject()
                .put("connection_string", server.connectionString())
                .put("db_name", "tripline"),
            "test");
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      await(client.close());
    }
    if (server != null) {
      server.close();
    }
  }

  // --- what gets replayed, and what it reports ---

  @Test
  void should_report_detections_keys_and_webhooks_per_rule_in_event_time() throws IOException {
    storeTheWeek();

    assertThat(backtest(runningGatewayConfig(), candidate)).isEqualTo(BacktestCommand.OK);

    assertThat(err()).isEmpty();
    assertThat(out())
        .isEqualTo(
            "backtest of "
                + candidate
                + ", reading the embedded store of the gateway on 127.0.0.1:"
                + server.port()
                + "\n"
                + "events with event time in [2026-11-01T00:00:00Z, 2026-11-02T00:00:00Z): 17"
                + " replayed\n"
                + "\n"
                + "rule          kind       detections  keys  webhooks\n"
                + "burst         threshold           3     2         6\n"
                + "cart-abandon  absence             2     2         2\n"
                + "total                             5     4         8\n"
                + "\n"
                + "notes:\n"
                + "  cart-abandon: 1 timer(s) still open at the end, due after it\n");
  }

  @Test
  void should_count_webhooks_after_the_destinations_frequency_caps() throws IOException {
    Files.writeString(
        destinations,
        Files.readString(destinations)
            .replace(
                "url: http://127.0.0.1:9/crm\n",
                "url: http://127.0.0.1:9/crm\n  frequency_cap: {per: ip, max: 1, within: 1d}\n"));
    storeTheWeek();

    assertThat(backtest(runningGatewayConfig(), candidate, "--json")).isEqualTo(BacktestCommand.OK);

    // one IP fired burst twice: its second crm webhook is capped; slack has no cap, and
    // cart-abandon's keys have no ip, so they are not capped
    JsonObject burst =
        new JsonObject(out()).getJsonObject("candidate").getJsonArray("rules").getJsonObject(0);
    assertThat(burst.getLong("webhooks")).isEqualTo(5);
    assertThat(burst.getLong("webhooksCapped")).isEqualTo(1);
    out.reset();
    backtest(runningGatewayConfig(), candidate);
    assertThat(out()).contains("  burst: 1 webhook(s) held back by frequency caps\n");
  }

  @Test
  void should_print_the_report_as_json() throws IOException {
    storeTheWeek();

    assertThat(backtest(runningGatewayConfig(), candidate, "--json")).isEqualTo(BacktestCommand.OK);

    JsonObject report = new JsonObject(out());
    assertThat(report.getString("from")).isEqualTo(FROM.toString());
    assertThat(report.getString("to")).isEqualTo(TO.toString());
    assertThat(report.getLong("eventsRead")).isEqualTo(17);
    assertThat(report.getLong("documentsSkipped")).isZero();
    assertThat(report.containsKey("live")).isFalse();
    JsonObject set = report.getJsonObject("candidate");
    assertThat(set.getString("dir")).isEqualTo(candidate.toString());
    assertThat(rows(set))
        .containsExactly(
            "burst threshold detections=3 keys=2 webhooks=6 pending=0",
            "cart-abandon absence detections=2 keys=2 webhooks=2 pending=1");
    assertThat(set.getJsonArray("rules").getJsonObject(0).getJsonArray("notify"))
        .isEqualTo(new JsonArray().add("crm").add("slack"));
    assertThat(set.getJsonObject("totals"))
        .isEqualTo(new JsonObject().put("detections", 5).put("keys", 4).put("webhooks", 8));
  }

  @Test
  void should_replay_in_event_time_whatever_the_order_events_were_stored_in() throws IOException {
    // the order came first into the store, but happened ten minutes after the cart
    store(
        event("order_completed", "2026-11-01T11:10:00Z", "u2", null),
        event("add_to_cart", "2026-11-01T11:00:00Z", "u2", null),
        // stored last, happened first: the three of them fire at 01:00:20, not before
        event("login", "2026-11-01T01:00:20Z", null, "203.0.113.7"),
        event("login", "2026-11-01T01:00:10Z", null, "203.0.113.7"),
        event("login", "2026-11-01T01:00:00Z", null, "203.0.113.7"));

    assertThat(backtest(runningGatewayConfig(), candidate, "--json")).isEqualTo(BacktestCommand.OK);

    assertThat(rows(new JsonObject(out()).getJsonObject("candidate")))
        .containsExactly(
            "burst threshold detections=1 keys=1 webhooks=2 pending=0",
            "cart-abandon absence detections=0 keys=0 webhooks=0 pending=0");
  }

  @Test
  void should_ignore_events_outside_the_range_and_include_from_but_not_to() throws IOException {
    store(
        // two before --from: with the one at --from they would make three
        event("login", "2026-10-31T23:59:50Z", null, "198.51.100.1"),
        event("login", "2026-10-31T23:59:55Z", null, "198.51.100.1"),
        event("login", "2026-11-01T00:00:00Z", null, "198.51.100.1"),
        // three at and after --to
        event("login", "2026-11-02T00:00:00Z", null, "198.51.100.2"),
        event("login", "2026-11-02T00:00:01Z", null, "198.51.100.2"),
        event("login", "2026-11-02T00:00:02Z", null, "198.51.100.2"),
        // a cart just before --to: its timer is due after it, so it stays open
        event("add_to_cart", "2026-11-01T23:59:59Z", "u9", null));

    assertThat(backtest(runningGatewayConfig(), candidate, "--json")).isEqualTo(BacktestCommand.OK);

    JsonObject report = new JsonObject(out());
    assertThat(report.getLong("eventsRead")).isEqualTo(2);
    assertThat(rows(report.getJsonObject("candidate")))
        .containsExactly(
            "burst threshold detections=0 keys=0 webhooks=0 pending=0",
            "cart-abandon absence detections=0 keys=0 webhooks=0 pending=1");
  }

  @Test
  void should_fire_absence_timers_due_by_to_after_the_last_event() throws IOException {
    store(event("add_to_cart", "2026-11-01T23:00:00Z", "u1", null));

    assertThat(backtest(runningGatewayConfig(), candidate, "--json")).isEqualTo(BacktestCommand.OK);
    assertThat(rows(new JsonObject(out()).getJsonObject("candidate")))
        .contains("cart-abandon absence detections=1 keys=1 webhooks=1 pending=0");

    out.reset();
    assertThat(
            backtest(
                runningGatewayConfig(),
                List.of(
                    candidate.toString(),
                    "--from",
                    FROM.toString(),
                    "--to",
                    "2026-11-01T23:29:59Z",
                    "--json")))
        .isEqualTo(BacktestCommand.OK);
    assertThat(rows(new JsonObject(out()).getJsonObject("candidate")))
        .contains("cart-abandon absence detections=0 keys=0 webhooks=0 pending=1");
  }

  @Test
  void should_skip_and_count_stored_documents_that_are_not_events() throws IOException {
    store(event("login", "2026-11-01T01:00:00Z", null, "203.0.113.7"));
    await(
        client.insert(
            EventStoreOptions.DEFAULT_COLLECTION,
            new JsonObject()
                .put("_id", "odd")
                .put("id", "x")
                .put("source", "web")
                .put("timestamp", new JsonObject().put("$date", "2026-11-01T02:00:00Z"))));

    assertThat(backtest(runningGatewayConfig(), candidate)).isEqualTo(BacktestCommand.OK);

    assertThat(out())
        .contains(": 1 replayed\n")
        .contains(
            "  1 stored document(s) in the range are not events and were skipped (first: _id odd:"
                + " type: must be a string, was absent)\n");
  }

  // --- side by side with the live rules ---

  @Test
  void should_compare_the_candidate_with_the_live_rules_side_by_side() throws IOException {
    storeTheWeek();
    Files.writeString(
        live.resolve("rules.yaml"),
        """
        - id: burst
          detect: {threshold: {group_by: [ip], count: 3, within: 60s}}
          cooldown: 1h
          notify: [crm, slack]
        - id: old-logins
          on: [login]
          detect: {threshold: {group_by: [ip], count: 9, within: 2h}}
          notify: [crm]
        """);

    assertThat(backtest(runningGatewayConfig(), candidate, "--compare"))
        .isEqualTo(BacktestCommand.OK);

    assertThat(out())
        .isEqualTo(
            "backtest of "
                + candidate
                + " against the live rules of "
                + live
                + ", reading the embedded store of the gateway on 127.0.0.1:"
                + server.port()
                + "\n"
                + "events with event time in [2026-11-01T00:00:00Z, 2026-11-02T00:00:00Z): 17"
                + " replayed\n"
                + "\n"
                + "                         detections             keys                   webhooks\n"
                + "rule          kind       candidate  live  diff  candidate  live  diff "
                + " candidate  live  diff\n"
                + "burst         threshold          3     2    +1          2     2     0 "
                + "         6     4    +2  changed\n"
                + "cart-abandon  absence            2     -    +2          2     -    +2 "
                + "         2     -    +2  only in candidate\n"
                + "old-logins    threshold          -     1    -1          -     1    -1 "
                + "         -     1    -1  only in live\n"
                + "total                            5     3    +2          4     3    +1 "
                + "         8     5    +3\n"
                + "\n"
                + "notes:\n"
                + "  candidate cart-abandon: 1 timer(s) still open at the end, due after it\n");
  }

  @Test
  void should_put_both_rule_sets_into_the_json_with_compare() throws IOException {
    storeTheWeek();
    Files.writeString(live.resolve("rules.yaml"), BURST);

    assertThat(backtest(runningGatewayConfig(), candidate, "--compare", "--json"))
        .isEqualTo(BacktestCommand.OK);

    JsonObject report = new JsonObject(out());
    assertThat(rows(report.getJsonObject("live")))
        .containsExactly("burst threshold detections=3 keys=2 webhooks=6 pending=0");
    assertThat(report.getJsonObject("live").getString("dir")).isEqualTo(live.toString());
    assertThat(rows(report.getJsonObject("candidate"))).hasSize(2);
  }

  // --- where the events come from ---

  @Test
  void should_read_the_configured_mongo_uri() throws IOException {
    storeTheWeek();

    assertThat(backtest(config("mongo: {uri: \"" + server.connectionString() + "\"}\n"), candidate))
        .isEqualTo(BacktestCommand.OK);

    assertThat(out()).startsWith("backtest of " + candidate + ", reading MongoDB at 127.0.0.1:");
    assertThat(out()).contains("total                             5     4         8\n");
  }

  @Test
  void should_open_the_data_dir_read_only_when_no_gateway_runs_and_let_go_of_it()
      throws IOException {
    storeTheWeek();
    stopServer();

    assertThat(backtest(config(embedded(freePort())), candidate)).isEqualTo(BacktestCommand.OK);

    assertThat(out())
        .contains(
            "reading the embedded store "
                + dataDir.resolve(EmbeddedMongoOptions.H2_FILE_NAME)
                + " (read-only)\n")
        .contains("total                             5     4         8\n");
    // the lock is released and nothing was written: a gateway opens the same store again
    server = EmbeddedMongo.start(EmbeddedMongoOptions.h2(dataDir).withSyncOnCommit(false));
    MongoClient reopened =
        StoreClients.create(
            vertx,
            new JsonObject()
                .put("connection_string", server.connectionString())
                .put("db_name", "tripline"),
            "reopened");
    assertThat(await(reopened.count(EventStoreOptions.DEFAULT_COLLECTION, new JsonObject())))
        .isEqualTo(20);
    await(reopened.close());
  }

  @Test
  void should_say_clearly_when_the_data_file_is_held_by_a_gateway_on_another_port()
      throws IOException {
    storeTheWeek();
    int nobody = freePort();

    assertThat(backtest(config(embedded(nobody)), candidate))
        .isEqualTo(BacktestCommand.STORE_FAILED);

    assertThat(out()).isEmpty();
    assertThat(err())
        .isEqualTo(
            "tripline: cannot backtest: no gateway answers on 127.0.0.1:"
                + nobody
                + ", and "
                + dataDir.resolve(EmbeddedMongoOptions.H2_FILE_NAME)
                + " is locked by another process (a gateway on another port? set"
                + " mongo.embedded.port to the port it listens on)\n");
  }

  @Test
  void should_say_when_there_is_no_store_at_all() throws IOException {
    stopServer();
    Path empty = dir.resolve("nothing-here");
    int nobody = freePort();

    assertThat(
            backtest(
                config("mongo: {embedded: {port: " + nobody + ", data-dir: \"" + empty + "\"}}\n"),
                candidate))
        .isEqualTo(BacktestCommand.STORE_FAILED);

    assertThat(err())
        .isEqualTo(
            "tripline: cannot backtest: no gateway answers on 127.0.0.1:"
                + nobody
                + ", and there is no data file at "
                + empty.resolve(EmbeddedMongoOptions.H2_FILE_NAME)
                + " (a gateway on another port? set mongo.embedded.port to the port it listens"
                + " on)\n");
    assertThat(empty).doesNotExist();
  }

  @Test
  void should_exit_1_with_a_clear_message_when_the_configured_store_is_unreachable()
      throws IOException {
    int nobody = freePort();

    long started = System.nanoTime();
    int status =
        backtest(
            config("mongo: {uri: \"mongodb://127.0.0.1:" + nobody + "\", timeout: 300ms}\n"),
            candidate);

    assertThat(status).isEqualTo(BacktestCommand.STORE_FAILED);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(out()).isEmpty();
    assertThat(err())
        .isEqualTo(
            "tripline: cannot backtest: cannot reach MongoDB at 127.0.0.1:"
                + nobody
                + " (database tripline) within 300 ms (mongo.timeout)\n");
  }

  @Test
  void should_give_up_when_the_store_goes_quiet_for_the_read_timeout() throws IOException {
    CountDownLatch release = new CountDownLatch(1);
    MongoServer stalling =
        new MongoServer(
            new MemoryBackend() {
              @Override
              public Document handleCommand(
                  Channel channel, String database, String command, Document query) {
                if (command.equals("find")) {
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
                return super.handleCommand(channel, database, command, query);
              }
            });
    stalling.bind("127.0.0.1", 0);
    int port = stalling.getLocalAddress().getPort();
    try {
      int status =
          backtest(
              config("mongo: {uri: \"mongodb://127.0.0.1:" + port + "\", timeout: 2s}\n"),
              candidate,
              "--read-timeout",
              "300ms");

      assertThat(status).isEqualTo(BacktestCommand.STORE_FAILED);
      assertThat(err())
          .isEqualTo(
              "tripline: cannot backtest: no events from the store within 300ms"
                  + " (--read-timeout)\n");
    } finally {
      release.countDown();
      stalling.shutdownNow();
    }
  }

  // --- usage errors ---

  @Test
  void should_exit_2_for_missing_or_bad_times() throws IOException {
    Path config = runningGatewayConfig();

    assertThat(run("--config", config.toString(), "--to", TO.toString()))
        .isEqualTo(BacktestCommand.USAGE);
    assertThat(err())
        .startsWith("tripline: --from: is required, an event time such as 2026-11-01T00:00:00Z\n")
        .contains(BacktestCommand.USAGE_LINE);

    err.reset();
    assertThat(run("--config", config.toString(), "--from", "last week", "--to", TO.toString()))
        .isEqualTo(BacktestCommand.USAGE);
    assertThat(err())
        .startsWith(
            "tripline: --from: must be an instant such as 2026-11-01T00:00:00Z (or +01:00) or a"
                + " date such as 2026-11-01 (UTC midnight), was \"last week\"\n");

    err.reset();
    assertThat(run("--config", config.toString(), "--from", TO.toString(), "--to", FROM.toString()))
        .isEqualTo(BacktestCommand.USAGE);
    assertThat(err())
        .startsWith(
            "tripline: --from: must be before --to, was 2026-11-02T00:00:00Z and --to"
                + " 2026-11-01T00:00:00Z\n");

    err.reset();
    assertThat(run("--config", config.toString(), "--from", FROM.toString(), "--to"))
        .isEqualTo(BacktestCommand.USAGE);
    assertThat(err()).startsWith("tripline: --to: needs a value\n");

    err.reset();
    assertThat(run("--from", FROM.toString(), "--to", TO.toString(), "--read-timeout", "0s"))
        .isEqualTo(BacktestCommand.USAGE);
    assertThat(err())
        .startsWith(
            "tripline: --read-timeout: must be a duration such as 500ms, 60s, 5m, 1h, 30d or 1h30m"
                + " (units d, h, m, s, ms; largest first) and > 0s, was \"0s\"\n");

    err.reset();
    assertThat(run("--from", FROM.toString(), "--to", TO.toString(), "--verbose"))
        .isEqualTo(BacktestCommand.USAGE);
    assertThat(err()).startsWith("tripline: unknown option: --verbose\n");
    assertThat(out()).isEmpty();
  }

  @Test
  void should_accept_dates_and_offsets_for_the_range() throws IOException {
    store(event("login", "2026-11-01T00:30:00Z", null, "203.0.113.7"));

    assertThat(
            backtest(
                runningGatewayConfig(),
                List.of(
                    candidate.toString(),
                    "--from",
                    "2026-11-01T01:00:00+01:00",
                    "--to",
                    "2026-11-02",
                    "--json")))
        .isEqualTo(BacktestCommand.OK);

    JsonObject report = new JsonObject(out());
    assertThat(report.getString("from")).isEqualTo("2026-11-01T00:00:00Z");
    assertThat(report.getString("to")).isEqualTo("2026-11-02T00:00:00Z");
    assertThat(report.getLong("eventsRead")).isEqualTo(1);
  }

  @Test
  void should_exit_2_with_the_problems_as_validate_prints_them_when_rules_do_not_load()
      throws IOException {
    Files.writeString(
        candidate.resolve("rules.yaml"),
        """
        - id: burst
          detect: {threshold: {group_by: [ip], count: 0, within: 60s}}
          notify: [crn]
        """);

    assertThat(backtest(runningGatewayConfig(), candidate)).isEqualTo(BacktestCommand.USAGE);

    String file = candidate.resolve("rules.yaml").toString();
    assertThat(out()).isEmpty();
    assertThat(err().lines())
        .containsExactly(
            file
                + ":2:47 rule burst: detect.threshold.count: must be an integer >= 1, was"
                + " \"0\"",
            file
                + ":3:12 rule burst: notify[0]: unknown destination `crn`; known: crm, slack; did"
                + " you mean `crm`?",
            candidate + ": 2 problem(s)");
  }

  @Test
  void should_exit_2_when_the_live_rules_do_not_load_with_compare() throws IOException {
    Files.writeString(live.resolve("broken.yaml"), "- id: x\n");

    assertThat(backtest(runningGatewayConfig(), candidate, "--compare"))
        .isEqualTo(BacktestCommand.USAGE);

    assertThat(err()).contains("broken.yaml:1:3 rule x: detect: is required");
  }

  @Test
  void should_warn_when_to_lies_in_the_future() throws IOException {
    store(event("login", "2026-11-01T00:30:00Z", null, "203.0.113.7"));
    BacktestCommand command = command(InstantSource.fixed(Instant.parse("2026-11-01T12:00:00Z")));

    assertThat(
            command.run(
                List.of(
                    candidate.toString(),
                    "--config",
                    runningGatewayConfig().toString(),
                    "--from",
                    FROM.toString(),
                    "--to",
                    TO.toString()),
                dir.resolve("absent.yaml")))
        .isEqualTo(BacktestCommand.OK);

    assertThat(err())
        .isEqualTo(
            "tripline: note: --to lies in the future: timers due before it fire as if no further"
                + " event came\n");
  }

  // --- fixtures ---

  /**
   * 17 events in range (and 3 outside) that make: burst 3 detections for 2 IPs; cart-abandon 2
   * detections (u1 during the replay, u5 only at --to), u2 cancelled, u3 still open at --to.
   */
  private void storeTheWeek() {
    List<Event> events = new ArrayList<>();
    for (String start : List.of("01:00:00", "01:20:00")) {
      // 203.0.113.7 fires twice, 10 minutes cooldown apart; 198.51.100.7 once
      Instant at = Instant.parse("2026-11-01T" + start + "Z");
      for (int i = 0; i < 3; i++) {
        events.add(event("login", at.plusSeconds(10L * i).toString(), null, "203.0.113.7"));
      }
    }
    for (int i = 0; i < 3; i++) {
      events.add(event("login", "2026-11-01T02:00:0" + i + "Z", null, "198.51.100.7"));
    }
    // within the cooldown of the first detection: no detection
    events.add(event("login", "2026-11-01T01:05:00Z", null, "203.0.113.7"));
    events.add(event("login", "2026-11-01T01:05:01Z", null, "203.0.113.7"));
    events.add(event("login", "2026-11-01T01:05:02Z", null, "203.0.113.7"));
    events.add(event("add_to_cart", "2026-11-01T10:00:00Z", "u1", null));
    events.add(event("add_to_cart", "2026-11-01T11:00:00Z", "u2", null));
    events.add(event("order_completed", "2026-11-01T11:10:00Z", "u2", null));
    events.add(event("add_to_cart", "2026-11-01T23:25:00Z", "u5", null));
    events.add(event("add_to_cart", "2026-11-01T23:50:00Z", "u3", null));
    // outside the range
    events.add(event("login", "2026-10-31T23:00:00Z", null, "192.0.2.1"));
    events.add(event("add_to_cart", "2026-10-31T12:00:00Z", "u7", null));
    events.add(event("order_completed", "2026-11-02T00:00:00Z", "u5", null));
    store(events.toArray(Event[]::new));
  }

  private Event event(String type, String timestamp, String userId, String ip) {
    return new Event(
        "e" + ++ids,
        "web",
        type,
        Instant.parse(timestamp),
        userId,
        null,
        ip,
        null,
        Map.of(),
        Map.of(),
        Instant.parse("2026-11-22T00:00:00Z"));
  }

  /** Stores through the gateway's own event store, in the order given. */
  private void store(Event... events) {
    MongoEventStore store = new MongoEventStore(client, EventStoreOptions.defaults());
    await(store.createIndexes());
    for (Event event : events) {
      await(store.insert(List.of(event)));
    }
  }

  private static List<String> rows(JsonObject set) {
    return set.getJsonArray("rules").stream()
        .map(JsonObject.class::cast)
        .map(
            rule ->
                rule.getString("id")
                    + " "
                    + rule.getString("kind")
                    + " detections="
                    + rule.getLong("detections")
                    + " keys="
                    + rule.getLong("keys")
                    + " webhooks="
                    + rule.getLong("webhooks")
                    + " pending="
                    + rule.getLong("timersPending"))
        .toList();
  }

  private void stopServer() {
    await(client.close());
    client = null;
    server.close();
    server = null;
  }

  private Path runningGatewayConfig() throws IOException {
    return config(embedded(server.port()));
  }

  private String embedded(int port) {
    return "mongo: {embedded: {port: " + port + ", data-dir: \"" + dataDir + "\"}}\n";
  }

  private Path config(String mongo) throws IOException {
    Path config = dir.resolve("tripline.yaml");
    Files.writeString(
        config,
        "rules: {dir: \"" + live + "\"}\ndestinations: {file: \"" + destinations + "\"}\n" + mongo);
    return config;
  }

  private int backtest(Path config, Path rules, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(rules.toString(), "--from", FROM.toString(), "--to", TO.toString()));
    args.addAll(List.of(extra));
    return backtest(config, args);
  }

  private int backtest(Path config, List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--config", config.toString()));
    return command(LATER).run(all, dir.resolve("absent.yaml"));
  }

  private int run(String... args) {
    return command(LATER).run(List.of(args), dir.resolve("absent.yaml"));
  }

  private BacktestCommand command(InstantSource clock) {
    return new BacktestCommand(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of(),
        clock);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out waiting for " + future, e);
    }
  }
}
