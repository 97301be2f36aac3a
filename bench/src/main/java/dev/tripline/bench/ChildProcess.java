package dev.tripline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server or tool the bench runs in its own JVM. Its stderr and every stdout line go to a log
 * file; stdout lines are also kept for {@link #awaitLine} and {@link #awaitExit}. {@link #close}
 * ends it (SIGTERM, then SIGKILL after a grace period) and never leaves it running.
 */
final class ChildProcess implements AutoCloseable {

  private static final String EOF = "\u0000eof";

  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ChildProcess(String name, Process process, Path log) throws IOException {
    this.name = name;
    this.process = process;
    PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  out.println(line);
                  lines.add(line);
                }
              } catch (IOException e) {
                out.println("bench: stopped reading output: " + e);
              } finally {
                out.close();
                lines.add(EOF);
              }
            },
            "bench-read-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  static ChildProcess start(String name, List<String> command, Map<String, String> env, Path logs)
      throws IOException {
    Files.createDirectories(logs);
    Path log = logs.resolve(name + ".log");
    Path errors = logs.resolve(name + ".err.log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(errors.toFile()));
    builder.environment().putAll(env);
    return new ChildProcess(name, builder.start(), log);
  }

  /**
   * Waits for a stdout line matching {@code pattern} and returns its first group.
   *
   * @throws IllegalStateException if the process ends or the time runs out first
   */
  String awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null || line.equals(EOF)) {
        throw new IllegalStateException(
            name
                + (line == null ? ": not ready after " + timeout : ": exited before ready")
                + " (see its log)");
      }
      Matcher matcher = pattern.matcher(line);
      if (matcher.find()) {
        return matcher.group(1);
      }
    }
  }

  /** Waits for the process to end by itself and returns its stdout lines that start with '{'. */
  List<String> awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      close();
      throw new IllegalStateException(name + ": still running after " + timeout + ", killed");
    }
    List<String> json = new ArrayList<>();
    for (String line = lines.poll(5, TimeUnit.SECONDS);
        line != null && !line.equals(EOF);
        line = lines.poll(5, TimeUnit.SECONDS)) {
      if (line.startsWith("{")) {
        json.add(line);
      }
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(name + ": exited with " + process.exitValue());
    }
    return json;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
