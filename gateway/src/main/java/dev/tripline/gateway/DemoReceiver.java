package dev.tripline.gateway;

import dev.tripline.gateway.delivery.WebhookSigner;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * The demo's webhook receiver: verifies each delivery's Standard Webhooks signature and prints the
 * detection. Answers 204 to a verified delivery and 401 otherwise, like a real receiver would.
 */
final class DemoReceiver {

  /** The demo destination's secret in {@code config/destinations.yaml}, for local use only. */
  static final String DEMO_SECRET = "whsec_ZGVtby1zZWNyZXQtZm9yLWxvY2FsLXVzZS1vbmx5";

  private DemoReceiver() {}

  static void run(List<String> options) {
    int port = 9000;
    String secret = System.getenv().getOrDefault("TRIPLINE_DEMO_SECRET", DEMO_SECRET);
    for (int i = 0; i < options.size(); i++) {
      String option = options.get(i);
      boolean hasValue = i + 1 < options.size();
      if (option.equals("--port") && hasValue) {
        port = parsePort(options.get(++i));
      } else if (option.equals("--secret") && hasValue) {
        secret = options.get(++i);
      } else {
        throw new IllegalArgumentException("unknown receiver option: " + option);
      }
    }
    WebhookSigner signer = new WebhookSigner(secret);
    Vertx vertx = Vertx.vertx();
    vertx
        .createHttpServer()
        .requestHandler(
            request ->
                request
                    .body()
                    .onSuccess(
                        body -> {
                          String id = request.getHeader("webhook-id");
                          boolean valid =
                              signer.verify(
                                  id,
                                  request.getHeader("webhook-timestamp"),
                                  body.toString(),
                                  request.getHeader("webhook-signature"),
                                  Instant.now());
                          if (!valid) {
                            System.out.println("REJECTED " + id + ": bad or missing signature");
                            request.response().setStatusCode(401).end();
                            return;
                          }
                          System.out.println(
                              "VERIFIED " + id + "\n" + new JsonObject(body).encodePrettily());
                          request.response().setStatusCode(204).end();
                        }))
        .listen(port, "127.0.0.1")
        .onSuccess(
            server ->
                System.out.println(
                    "demo receiver listening on http://127.0.0.1:" + server.actualPort()))
        .onFailure(
            failure -> {
              System.err.println("tripline: receiver cannot listen: " + failure.getMessage());
              vertx.close();
            });
  }

  private static int parsePort(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("--port: must be an integer from 0 to 65535, was " + text);
  }
}
