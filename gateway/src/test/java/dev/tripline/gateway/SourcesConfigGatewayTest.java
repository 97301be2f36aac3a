package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A gateway with an invalid sources file does not start, and says every reason at once. */
@ExtendWith(VertxExtension.class)
class SourcesConfigGatewayTest {

  @TempDir Path dir;

  @Test
  void should_refuse_to_start_naming_each_problem_with_file_line_and_column(
      Vertx vertx, VertxTestContext ctx) {
    new TestGateway(dir)
        .sources(
            """
            - id: github
              verify:
                scheme: gitlab
                secrets:
                  - ${GITHUB_WEBHOOK_SECRET}
            - id: stripe
              verify:
                scheme: stripe
                secrets:
                  - ${STRIPE_WEBHOOK_SECRET}
              map:
                userId: "body.data.object.customr +"
            """)
        .env(Map.of("GITHUB_WEBHOOK_SECRET", "set"))
        .start(vertx)
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          String sources = dir.resolve("sources.yaml").toString();
                          assertThat(failure.getMessage())
                              .contains(
                                  sources
                                      + ":3:13 source github: verify.scheme: must be one of"
                                      + " standard-webhooks, github, stripe, shopify, hmac,"
                                      + " api-key, was \"gitlab\", did you mean `github`?",
                                  sources
                                      + ":10:9 source stripe: verify.secrets[0]: environment"
                                      + " variable STRIPE_WEBHOOK_SECRET is not set",
                                  sources + ":12:40 source stripe: map.userId: syntax error");
                          ctx.completeNow();
                        })));
  }
}
