package dev.tripline.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise behind every 2xx: an acknowledged event survives {@code kill -9}. A child JVM ingests
 * into the embedded H2 store without pause and prints each acknowledged id; the test kills it
 * mid-stream with SIGKILL, reopens the same data dir and looks for every acknowledged id. Several
 * rounds on the same dir also prove the store reopens cleanly after a kill.
 *
 * <p>With the library's default H2 backend (auto-commit about a second after the ack) this test
 * loses hundreds of acknowledged events per round.
 */
@ExtendWith(VertxExtension.class)
class DurabilityTest {

  static final int ROUNDS = 2;
  static final int ACKS_BEFORE_KILL = 2_500;

  @TempDir Path root;

  @Test
  @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void should_keep_every_acknowledged_event_when_the_process_is_killed(Vertx vertx)
      throws Exception {
    Path dataDir = root.resolve("data");
    Set<String> acked = new HashSet<>();
    for (int round = 0; round < ROUNDS; round++) {
      acked.addAll(ingestUntilKilled(dataDir, "r" + round));

      try (StoreFixture reopened = new StoreFixture(vertx, dataDir)) {
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(reopened.storedIds());
        assertThat(missing.size())
            .as(
                "acknowledged events lost after kill -9 in round %d (of %d acknowledged), e.g. %s",
                round, acked.size(), missing.stream().limit(5).toList())
            .isZero();
      }
    }
    assertThat(acked).hasSizeGreaterThanOrEqualTo(ROUNDS * ACKS_BEFORE_KILL);
  }

  private Set<String> ingestUntilKilled(Path dataDir, String prefix)
      throws IOException, InterruptedException {
    Path log = root.resolve(prefix + ".log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                DurabilityChild.class.getName(),
                dataDir.toString(),
                prefix)
            .redirectError(log.toFile())
            .start();
    Set<String> acked = new HashSet<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acked.size() < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          acked.add(line.substring(4));
        }
      }
      assertThat(acked)
          .as("child stopped early; its log:%n%s", Files.readString(log))
          .hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no final commit
      child.waitFor(10, TimeUnit.SECONDS);
    }
    return acked;
  }
}
