package dev.tripline.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway/bin/tripline}, the start command of the README: valid POSIX sh, runs the jar with
 * its memory-bounding JVM options that this JVM accepts, lets {@code TRIPLINE_JVM_OPTS} override
 * them, and passes every argument through untouched. A stand-in {@code java} prints what it was
 * given, so no jar needs to be built.
 */
class LauncherTest {

  private static final Path LAUNCHER = Path.of("bin", "tripline");

  @TempDir Path dir;

  private Path javaHome;
  private Path jar;

  /** What a process printed and how it ended. */
  record Run(int exit, List<String> out, String err) {}

  @BeforeEach
  void standInJava() throws IOException {
    javaHome = dir.resolve("jdk");
    Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    jar = Files.writeString(dir.resolve("tripline.jar"), "not really a jar");
  }

  private static Run run(Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("TRIPLINE_JVM_OPTS");
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("ended in time").isTrue();
    return new Run(
        process.exitValue(),
        new String(out, StandardCharsets.UTF_8).lines().toList(),
        new String(err, StandardCharsets.UTF_8));
  }

  private Run launch(String jvmOptions, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
    command.addAll(List.of(arguments));
    return run(
        Map.of(
            "JAVA_HOME", javaHome.toString(),
            "TRIPLINE_JAR", jar.toString(),
            "TRIPLINE_JVM_OPTS", jvmOptions),
        command.toArray(String[]::new));
  }

  @Test
  void should_be_valid_posix_sh() throws Exception {
    assertThat(run(Map.of(), "sh", "-n", LAUNCHER.toString()).exit()).isZero();
    assertThat(Files.isExecutable(LAUNCHER)).as("runnable as gateway/bin/tripline").isTrue();
  }

  @Test
  void should_run_the_jar_with_bounded_memory_and_pass_every_argument_through() throws Exception {
    Run run = launch("", "validate", "my rules/", "--config", "a b.yaml");

    assertThat(run.exit()).as(run.err()).isZero();
    List<String> jvm = run.out().subList(0, run.out().indexOf("-jar"));
    assertThat(jvm)
        .contains(
            "-Xmx1g",
            "-XX:MaxDirectMemorySize=128m",
            "-XX:MaxMetaspaceSize=192m",
            "-XX:+ExitOnOutOfMemoryError");
    assertThat(run.out().subList(jvm.size(), run.out().size()))
        .containsExactly("-jar", jar.toString(), "validate", "my rules/", "--config", "a b.yaml");
  }

  @Test
  void should_put_tripline_jvm_opts_after_the_defaults_so_that_they_win() throws Exception {
    Run run = launch("-Xmx2g -Dtripline.example=1");

    assertThat(run.out()).containsSubsequence("-Xmx1g", "-Xmx2g", "-Dtripline.example=1", "-jar");
  }

  @Test
  void should_ship_options_this_jvm_accepts() throws Exception {
    Run launched = launch("");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(launched.out().subList(0, launched.out().indexOf("-jar")));
    command.add("-version");

    Run version = run(Map.of(), command.toArray(String[]::new));

    assertThat(version.exit()).as(version.err()).isZero();
  }

  @Test
  void should_tell_a_gateway_started_without_a_heap_limit_from_one_with() {
    assertThat(Main.limitsHeap(List.of("-Dfile.encoding=UTF-8", "-XX:+UseG1GC"))).isFalse();
    assertThat(Main.limitsHeap(List.of("-Xms64m", "-Xmx512m"))).isTrue();
    assertThat(Main.limitsHeap(List.of("-XX:MaxRAMPercentage=25"))).isTrue();
    assertThat(Main.limitsHeap(List.of("-XX:MaxHeapSize=1g"))).isTrue();
  }

  @Test
  void should_say_how_to_build_the_jar_when_there_is_none() throws Exception {
    Files.delete(jar);

    Run run = launch("");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("no jar at " + jar, "mvn -B -ntp -q package -DskipTests");
  }
}
