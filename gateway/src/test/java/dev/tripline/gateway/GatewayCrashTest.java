package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.WebClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing acknowledged is lost: a gateway process on the embedded H2 store is killed with SIGKILL
 * in the middle of a load, restarted on the same data, and every event it had answered 202 for must
 * be there.
 */
class GatewayCrashTest {

  private static final Pattern STARTED = Pattern.compile("started tripline \\[http port: (\\d+)");
  private static final int ACKS_BEFORE_KILL = 3_000;
  private static final int CLIENTS = 16;
  private static final int BATCH = 10;

  @TempDir Path dir;

  private final Vertx vertx = Vertx.vertx();
  private Process child;

  @AfterEach
  void tearDown() throws Exception {
    if (child != null) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void should_keep_every_acknowledged_event_across_kill_9() throws Exception {
    TestGateway testGateway = new TestGateway(dir);
    Path config = testGateway.writeConfig();
    Set<String> acked = ConcurrentHashMap.newKeySet();

    for (int round = 0; round < 2; round++) {
      int port = startChild(config);
      loadUntil(port, "r" + round + "-", acked, ACKS_BEFORE_KILL * (round + 1));
      child.destroyForcibly();
      assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
      child = null;
    }

    Gateway restarted = testGateway.start(vertx).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    try {
      MongoClient mongo = TestGateway.mongo(vertx, restarted);
      List<JsonObject> stored =
          mongo
              .findWithOptions(
                  "events",
                  new JsonObject(),
                  new io.vertx.ext.mongo.FindOptions().setFields(new JsonObject().put("id", 1)))
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      Set<String> storedIds = ConcurrentHashMap.newKeySet();
      stored.forEach(doc -> storedIds.add(doc.getString("id")));
      mongo.close();

      assertThat(acked).hasSizeGreaterThanOrEqualTo(2 * ACKS_BEFORE_KILL);
      Set<String> lost = ConcurrentHashMap.newKeySet();
      acked.stream().filter(id -> !storedIds.contains(id)).forEach(lost::add);
      assertThat(lost).as("acknowledged events lost by kill -9").isEmpty();
    } finally {
      restarted.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Starts the gateway in a child JVM and returns its HTTP port once it says it has started. */
  private int startChild(Path config) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    child =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    Promise<Integer> port = Promise.promise();
    Thread reader =
        new Thread(
            () -> {
              try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  Matcher m = STARTED.matcher(line);
                  if (m.find()) {
                    port.tryComplete(Integer.parseInt(m.group(1)));
                  }
                }
                port.tryFail("gateway exited before it started");
              } catch (Exception e) {
                port.tryFail(e);
              }
            },
            "child-stdout");
    reader.setDaemon(true);
    reader.start();
    return port.future().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /**
   * Posts batches from several concurrent clients, recording every acknowledged id, until {@code
   * target} ids in total are acknowledged; the clients keep posting until then so the kill lands
   * mid-load.
   */
  private void loadUntil(int port, String prefix, Set<String> acked, int target) throws Exception {
    WebClient client = WebClient.create(vertx);
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean enough = new AtomicBoolean();
    Promise<Void> reached = Promise.promise();
    for (int c = 0; c < CLIENTS; c++) {
      postLoop(client, port, prefix, next, acked, target, enough, reached);
    }
    reached.future().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private void postLoop(
      WebClient client,
      int port,
      String prefix,
      AtomicInteger next,
      Set<String> acked,
      int target,
      AtomicBoolean enough,
      Promise<Void> reached) {
    if (enough.get()) {
      return;
    }
    JsonArray batch = new JsonArray();
    for (int i = 0; i < BATCH; i++) {
      batch.add(new JsonObject().put("id", prefix + next.incrementAndGet()).put("type", "load"));
    }
    Future<?> sent =
        client
            .post(port, "127.0.0.1", "/v1/events")
            .putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer(new JsonObject().put("batch", batch).encode()))
            .onSuccess(
                response -> {
                  if (response.statusCode() == 202) {
                    batch.forEach(e -> acked.add(((JsonObject) e).getString("id")));
                    if (acked.size() >= target && enough.compareAndSet(false, true)) {
                      reached.tryComplete();
                    }
                  }
                });
    sent.onComplete(
        ar -> postLoop(client, port, prefix, next, acked, target, enough, reached));
  }
}
