package dev.tripline.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tripline.gateway.http.ConnectionLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void should_use_defaults_when_the_optional_file_is_missing() {
    GatewayConfig config = ConfigLoader.load(dir.resolve("absent.yaml"), false, Map.of());

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.ingest().maxBodyBytes()).isEqualTo(512 * 1024);
    assertThat(config.ingest().maxBatchEvents()).isEqualTo(500);
    assertThat(config.ingest().maxJsonDepth()).isEqualTo(64);
    assertThat(config.mongo().uri()).isEmpty();
    assertThat(config.mongo().embeddedPort()).isEqualTo(27117);
    assertThat(config.retention().maxAge()).isEqualTo(Duration.ofDays(30));
    assertThat(config.rulesDir()).isEqualTo(Path.of("config/rules"));
  }

  @Test
  void should_fail_when_a_named_file_is_missing() {
    Path missing = dir.resolve("absent.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(missing, true, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing + ": no such file");
  }

  @Test
  void should_read_nested_keys_from_the_file() throws IOException {
    Path file =
        write(
            """
            http:
              port: 9090
              trusted-proxies: [10.0.0.0/8, 127.0.0.1]
            mongo:
              uri: mongodb://db.example:27017
              embedded:
                backend: memory
            ingest:
              max-body-size: 1MiB
            """);

    GatewayConfig config = ConfigLoader.load(file, true, Map.of());

    assertThat(config.http().port()).isEqualTo(9090);
    assertThat(config.http().trustedProxies()).containsExactly("10.0.0.0/8", "127.0.0.1");
    assertThat(config.mongo().uri()).contains("mongodb://db.example:27017");
    assertThat(config.mongo().embeddedBackend()).isEqualTo("memory");
    assertThat(config.ingest().maxBodyBytes()).isEqualTo(1024 * 1024);
  }

  @Test
  void should_let_environment_variables_override_the_file() throws IOException {
    Path file = write("http:\n  port: 9090\n");

    GatewayConfig config =
        ConfigLoader.load(
            file,
            true,
            Map.of(
                "TRIPLINE_HTTP_PORT", "7070",
                "TRIPLINE_MONGO_URI", "mongodb://x:1",
                "TRIPLINE_HTTP_TRUSTED_PROXIES", "192.0.2.1, 198.51.100.0/24"));

    assertThat(config.http().port()).isEqualTo(7070);
    assertThat(config.mongo().uri()).contains("mongodb://x:1");
    assertThat(config.http().trustedProxies()).containsExactly("192.0.2.1", "198.51.100.0/24");
  }

  @Test
  void should_report_every_problem_at_once_naming_key_value_and_origin() throws IOException {
    Path file =
        write(
            """
            http:
              prot: 9090
            ingest:
              max-batch-events: lots
            retention:
              max-age: 0s
            """);

    assertThatThrownBy(
            () -> ConfigLoader.load(file, true, Map.of("TRIPLINE_MONGO_EMBEDDED_BACKEND", "disk")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "http.prot: unknown configuration key; did you mean `http.port`? (in "
                            + file
                            + ")",
                        "ingest.max-batch-events: must be an integer from 1 to 100000, was \"lots\""
                            + " (from "
                            + file
                            + ")",
                        "retention.max-age: must be at least 1m, was \"0s\" (from " + file + ")",
                        "mongo.embedded.backend: must be one of h2, memory, was \"disk\" (from"
                            + " environment variable TRIPLINE_MONGO_EMBEDDED_BACKEND)"));
  }

  @Test
  void should_say_what_replaces_a_removed_delivery_key() throws IOException {
    Path file = write("delivery:\n  max-attempts: 5\n  retry-schedule: [1s, 1m]\n");

    assertThatThrownBy(
            () -> ConfigLoader.load(file, true, Map.of("TRIPLINE_DELIVERY_INITIAL_BACKOFF", "1s")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "delivery.max-attempts: removed; the number of entries in"
                            + " delivery.retry-schedule sets the retries (in "
                            + file
                            + ")",
                        "delivery.initial-backoff: removed; delivery.retry-schedule lists each"
                            + " wait (environment variable TRIPLINE_DELIVERY_INITIAL_BACKOFF)"));
  }

  @Test
  void should_read_the_connection_limits_and_refuse_values_out_of_range() throws IOException {
    Path good = write("http:\n  idle-timeout: 0s\n  request-read-timeout: 5s\n");
    GatewayConfig config =
        ConfigLoader.load(good, true, Map.of("TRIPLINE_HTTP_MAX_CONNECTIONS", "10"));
    assertThat(config.http().connections())
        .isEqualTo(new ConnectionLimits(Duration.ZERO, Duration.ofSeconds(5), 10));
    assertThat(ConfigLoader.load(write(""), true, Map.of()).http().connections())
        .isEqualTo(new ConnectionLimits(Duration.ofSeconds(60), Duration.ofSeconds(30), 4096));

    Path bad =
        write("http:\n  idle-timeout: 2d\n  request-read-timeout: 10ms\n  max-connections: 0\n");

    assertThatThrownBy(() -> ConfigLoader.load(bad, true, Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "http.idle-timeout: must be from 0s to 1d, was \"2d\" (from " + bad + ")",
                        "http.request-read-timeout: must be from 100ms to 1h, was \"10ms\" (from "
                            + bad
                            + ")",
                        "http.max-connections: must be an integer from 1 to 1000000, was \"0\""
                            + " (from "
                            + bad
                            + ")"));
  }

  @Test
  void should_read_the_retry_schedule_as_a_list() throws IOException {
    Path file = write("delivery:\n  retry-schedule: [1s, 1m]\n  disable-after: 0s\n");

    GatewayConfig config = ConfigLoader.load(file, true, Map.of());

    assertThat(config.delivery().retrySchedule())
        .containsExactly(java.time.Duration.ofSeconds(1), java.time.Duration.ofMinutes(1));
    assertThat(config.delivery().disableAfter()).isZero();
    assertThat(
            ConfigLoader.load(write("delivery:\n  retry-schedule: []\n"), true, Map.of())
                .delivery()
                .retrySchedule())
        .isEmpty();
  }

  @Test
  void should_reject_yaml_that_is_not_a_mapping() throws IOException {
    Path file = write("- just\n- a list\n");

    assertThatThrownBy(() -> ConfigLoader.load(file, true, Map.of()))
        .hasMessageContaining(file + ": must be a mapping of configuration keys");
  }

  @Test
  void should_reject_duplicate_keys() throws IOException {
    Path file = write("http:\n  port: 1\n  port: 2\n");

    assertThatThrownBy(() -> ConfigLoader.load(file, true, Map.of()))
        .hasMessageContaining("invalid YAML")
        .hasMessageContaining("port");
  }

  @Test
  void should_keep_the_readme_reference_in_step_with_the_keys() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));

    assertThat(readme)
        .as("README's configuration reference; paste ConfigReference.markdown() into it")
        .contains(ConfigReference.markdown());
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("tripline.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
