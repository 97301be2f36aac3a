package dev.tripline.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The baseline: a Vert.x HTTP server that reads each request body and answers 202 {@code
 * {"accepted":1,"duplicates":0}}, storing nothing (and acks every WebSocket frame at once, which is
 * how the load generator's {@code ws} mode can be checked without a gateway). The gateway's
 * single-event ingest is compared with it, so the ratio is the gateway's own overhead (parsing,
 * validation, ids, the write path).
 *
 * <p>Like the gateway it runs one server verticle per core by default, all sharing one port (0 for
 * an ephemeral one). Prints {@code listening on port N} when ready. Usage: {@code BareServer
 * [--port 0] [--instances 0]} (0 = cores).
 */
public final class BareServer {

  private static final String ANSWER = "{\"accepted\":1,\"duplicates\":0}";

  private BareServer() {}

  public static void main(String[] args) throws Exception {
    int port;
    int instances;
    try {
      Args options = Args.parse(args);
      options.rejectUnknown(Set.of("port", "instances"));
      port = options.integer("port", 0, 0);
      instances = options.integer("instances", 0, 0);
    } catch (IllegalArgumentException e) {
      System.err.println("bare server: " + e.getMessage());
      System.exit(2);
      return;
    }
    int count = instances == 0 ? Runtime.getRuntime().availableProcessors() : instances;
    Vertx vertx = Vertx.vertx();
    AtomicInteger bound = new AtomicInteger();
    // Vert.x 5 gives every server that listens on 0 its own port, and a later server on that
    // actual port fails with "address in use"; a negative port is one random port shared by all
    int listenPort = port == 0 ? -1 : port;
    Future<String> started =
        vertx.deployVerticle(
            () -> new Acceptor(listenPort, bound::set),
            new DeploymentOptions().setInstances(count));
    started.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.println("listening on port " + bound.get() + " [instances: " + count + "]");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    vertx
                        .close()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    // exiting anyway
                  }
                }));
  }

  /** One server verticle: read the body, answer 202. */
  private static final class Acceptor extends VerticleBase {
    private final int port;
    private final IntConsumer boundPort;

    Acceptor(int port, IntConsumer boundPort) {
      this.port = port;
      this.boundPort = boundPort;
    }

    @Override
    public Future<?> start() {
      return vertx
          .createHttpServer()
          .requestHandler(
              request ->
                  request
                      .body()
                      .onComplete(
                          body ->
                              request
                                  .response()
                                  .setStatusCode(202)
                                  .putHeader("content-type", "application/json")
                                  .end(ANSWER)))
          .webSocketHandler(
              ws ->
                  ws.textMessageHandler(
                      text -> {
                        JsonObject frame = new JsonObject(text);
                        JsonArray batch = frame.getJsonArray("batch");
                        ws.writeTextMessage(
                            new JsonObject()
                                .put("type", "ack")
                                .put("seq", frame.getValue("seq"))
                                .put("accepted", batch == null ? 1 : batch.size())
                                .put("duplicates", 0)
                                .encode());
                      }))
          .listen(port, "127.0.0.1")
          .map(HttpServer::actualPort)
          .onSuccess(boundPort::accept);
    }
  }
}
