package dev.tripline.handlers.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.handlers.HttpException;
import dev.tripline.handlers.RateLimitedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestAccessTest {

  private static final IngestAccess KEYED =
      new IngestAccess(WriteKeys.of(Map.of("wk_web", "web")), RateLimiter.NONE);

  @Test
  void openAccessAttributesToTheOpenSource() {
    assertThat(IngestAccess.open().admit(null, "203.0.113.7", "api")).isEqualTo("api");
    assertThat(IngestAccess.open().keyRequired()).isFalse();
  }

  @Test
  void aKnownKeyDecidesTheSource() {
    assertThat(KEYED.admit("wk_web", null, "api")).isEqualTo("web");
  }

  @Test
  void aMissingOrUnknownKeyIs401() {
    assertThatThrownBy(() -> KEYED.admit(null, null, "api"))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.getMessage()).isEqualTo("write key required");
            });
    assertThatThrownBy(() -> KEYED.admit("wk_other", null, "api"))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> assertThat(e.getMessage()).isEqualTo("unknown write key").doesNotContain("wk_"));
  }

  @Test
  void aRateLimitIs429WithTheWait() {
    IngestAccess limited =
        new IngestAccess(WriteKeys.none(), (source, ip) -> Duration.ofMillis(1500));
    assertThatThrownBy(() -> limited.admit(null, "203.0.113.7", "api"))
        .isInstanceOfSatisfying(
            RateLimitedException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(1500));
            });
  }

  @Test
  void keysComeFromBasicUserOrBearerToken() {
    String basic =
        "Basic " + Base64.getEncoder().encodeToString("wk_web:".getBytes(StandardCharsets.UTF_8));
    assertThat(IngestAccess.keyFromAuthorization(basic)).isEqualTo("wk_web");
    assertThat(IngestAccess.keyFromAuthorization("Bearer wk_web")).isEqualTo("wk_web");
    assertThat(IngestAccess.keyFromAuthorization("bearer  wk_web ")).isEqualTo("wk_web");
    assertThat(IngestAccess.keyFromAuthorization("Basic !!!")).isNull();
    assertThat(IngestAccess.keyFromAuthorization("Digest x")).isNull();
    assertThat(IngestAccess.keyFromAuthorization(null)).isNull();
  }
}
