package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ProbeHandlersTest {

  // held in a field: Vert.x closes a client that is no longer referenced
  private WebClient client;
  private volatile Supplier<Future<Void>> check = Future::succeededFuture;
  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext tc) {
    client = WebClient.create(vertx);
    Router router = Router.router(vertx);
    router.get("/health").handler(new HealthHandler());
    router.get("/ready").handler(new ReadinessHandler(() -> check.get(), Duration.ofMillis(50)));
    vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .onComplete(
            tc.succeeding(
                server -> {
                  port = server.actualPort();
                  tc.completeNow();
                }));
  }

  private void expect(String path, int status, String body, VertxTestContext tc) {
    client
        .get(port, "127.0.0.1", path)
        .send()
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(status);
                          assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject(body));
                          tc.completeNow();
                        })));
  }

  @Test
  void should_always_report_up(VertxTestContext tc) {
    check = () -> Future.failedFuture("store down");
    expect("/health", 200, "{\"status\":\"up\"}", tc);
  }

  @Test
  void should_report_ready_when_the_check_succeeds(VertxTestContext tc) {
    expect("/ready", 200, "{\"status\":\"ready\"}", tc);
  }

  @Test
  void should_report_not_ready_with_the_reason_when_the_check_fails(VertxTestContext tc) {
    check = () -> Future.failedFuture("store down");
    expect("/ready", 503, "{\"status\":\"not ready\",\"reason\":\"store down\"}", tc);
  }

  @Test
  void should_report_not_ready_when_the_check_throws(VertxTestContext tc) {
    check =
        () -> {
          throw new IllegalStateException("no client");
        };
    expect("/ready", 503, "{\"status\":\"not ready\",\"reason\":\"no client\"}", tc);
  }

  @Test
  void should_report_not_ready_when_the_check_hangs(VertxTestContext tc) {
    Promise<Void> never = Promise.promise();
    check = never::future;
    expect(
        "/ready", 503, "{\"status\":\"not ready\",\"reason\":\"check timed out after 50ms\"}", tc);
  }
}
