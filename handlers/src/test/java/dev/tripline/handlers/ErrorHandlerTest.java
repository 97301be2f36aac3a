package dev.tripline.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(VertxExtension.class)
class ErrorHandlerTest {

  // held in a field: Vert.x closes a client that is no longer referenced
  private WebClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext tc) {
    client = WebClient.create(vertx);
    Router router = Router.router(vertx);
    router
        .get("/boom")
        .handler(
            ctx -> {
              throw new IllegalStateException("bug");
            });
    router.get("/failed-future").handler(ctx -> ctx.fail(new RuntimeException("oops")));
    router
        .get("/bad")
        .handler(ctx -> ctx.fail(new HttpException(422, "thing: must be x, was y", "thing", 3)));
    router
        .get("/busy")
        .handler(ctx -> ctx.fail(new OverloadedException("busy", Duration.ofMillis(2001))));
    router.get("/throttled").handler(ctx -> ctx.fail(429));
    router
        .get("/web-exception")
        .handler(ctx -> ctx.fail(new io.vertx.ext.web.handler.HttpException(400, "raw detail")));
    router
        .get("/half-written")
        .handler(
            ctx -> {
              ctx.response().setChunked(true).write("partial");
              throw new IllegalStateException("after head");
            });
    router
        .get("/ended")
        .handler(
            ctx -> {
              ctx.response().end("done");
              throw new IllegalStateException("after end");
            });
    router.get("/ok").handler(ctx -> ctx.response().end("ok"));
    IngestRoutes.mountErrorHandling(router);
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

  private Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>> get(
      String path) {
    return client.get(port, "127.0.0.1", path).send();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/boom          | 500 | {\"error\":\"internal error\"}",
        "/failed-future | 500 | {\"error\":\"internal error\"}",
        "/bad           | 422 | {\"error\":\"thing: must be x, was y\",\"field\":\"thing\",\"index\":3}",
        "/busy          | 503 | {\"error\":\"busy\"}",
        "/throttled     | 429 | {\"error\":\"too many requests\"}",
        "/web-exception | 400 | {\"error\":\"bad request\"}",
        "/nope          | 404 | {\"error\":\"not found\"}",
      })
  void should_answer_failures_with_json_and_keep_serving(
      String path, int status, String body, VertxTestContext tc) {
    get(path)
        .compose(
            failed -> {
              tc.verify(
                  () -> {
                    assertThat(failed.statusCode()).isEqualTo(status);
                    assertThat(failed.getHeader("Content-Type")).isEqualTo("application/json");
                    assertThat(failed.bodyAsJsonObject()).isEqualTo(new JsonObject(body));
                  });
              return get("/ok");
            })
        .onComplete(
            tc.succeeding(
                next ->
                    tc.verify(
                        () -> {
                          assertThat(next.statusCode()).isEqualTo(200);
                          assertThat(next.bodyAsString()).isEqualTo("ok");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_round_retry_after_up_to_whole_seconds(VertxTestContext tc) {
    get("/busy")
        .onComplete(
            tc.succeeding(
                response ->
                    tc.verify(
                        () -> {
                          assertThat(response.getHeader("Retry-After")).isEqualTo("3");
                          tc.completeNow();
                        })));
  }

  @Test
  void should_leave_an_ended_response_alone_and_keep_serving(VertxTestContext tc) {
    get("/ended")
        .compose(
            ended -> {
              tc.verify(() -> assertThat(ended.bodyAsString()).isEqualTo("done"));
              return get("/ok");
            })
        .onComplete(
            tc.succeeding(
                next ->
                    tc.verify(
                        () -> {
                          assertThat(next.statusCode()).isEqualTo(200);
                          tc.completeNow();
                        })));
  }

  @Test
  void should_reset_a_half_written_response_and_keep_serving(VertxTestContext tc) {
    get("/half-written")
        .transform(
            half -> {
              // a truncated body must not look complete: the exchange fails for the client
              tc.verify(() -> assertThat(half.failed()).isTrue());
              return get("/ok");
            })
        .onComplete(
            tc.succeeding(
                next ->
                    tc.verify(
                        () -> {
                          assertThat(next.statusCode()).isEqualTo(200);
                          tc.completeNow();
                        })));
  }

  @ParameterizedTest(name = "{0} -> {1}s")
  @CsvSource({"PT0S, 1", "PT0.001S, 1", "PT1S, 1", "PT1.001S, 2", "PT30S, 30"})
  void should_express_retry_after_in_whole_seconds_at_least_one(Duration delay, long seconds) {
    assertThat(ErrorHandler.retryAfterSeconds(delay)).isEqualTo(seconds);
  }
}
