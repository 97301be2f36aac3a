package dev.tripline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the bench starts the gateway jar for a scenario: with the bench's own JVM options ({@code
 * --server-jvm}), with none at all (the JVM's ergonomics: G1 may grow the heap to a quarter of the
 * machine's memory), or through the launcher {@code gateway/bin/tripline} with the options it
 * ships.
 *
 * @param jar the gateway jar
 * @param launcher the launcher script
 * @param serverJvm the bench's JVM options for servers
 * @param jfr where to write a JFR recording of the gateway's JVM, or null for none
 */
record GatewayLaunch(Path jar, Path launcher, List<String> serverJvm, Path jfr) {

  /** Which JVM options the gateway runs with. */
  enum Jvm {
    /** {@code --server-jvm}, as the bare server and the store ceiling get them. */
    BENCH,
    /** None: {@code java -jar}, as a newcomer might start it. */
    NONE,
    /** {@code gateway/bin/tripline} with its defaults. */
    LAUNCHER
  }

  /** A command line and the environment it runs in (added to the bench's). */
  record Command(List<String> command, Map<String, String> env) {}

  /**
   * The gateway with the embedded store on {@code store} ("h2" or "memory"), or, given a {@code
   * mongodb://} URI, with that store and nothing embedded; its config, rules and data go in {@code
   * dir}.
   */
  Command command(String store, Path dir, Jvm jvm) throws IOException {
    Files.createDirectories(dir);
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Path config = dir.resolve("tripline.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "http: {host: 127.0.0.1, port: 0, instances: 0}",
            store.startsWith("mongodb://")
                ? "mongo: {uri: \"" + store + "\"}"
                : "mongo: {embedded: {port: 0, data-dir: "
                    + dir.resolve("data")
                    + ", backend: "
                    + store
                    + "}}",
            "rules: {dir: " + rules + "}",
            "destinations: {file: " + dir.resolve("no-destinations.yaml") + "}",
            ""));
    List<String> jvmOptions = new ArrayList<>(jvm == Jvm.BENCH ? serverJvm : List.of());
    if (jfr != null) {
      jvmOptions.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
    }
    List<String> arguments = List.of("--config", config.toString());
    String javaHome = System.getProperty("java.home");
    if (jvm == Jvm.LAUNCHER) {
      List<String> command = new ArrayList<>(List.of("sh", launcher.toString()));
      command.addAll(arguments);
      return new Command(
          command,
          Map.of(
              "JAVA_HOME",
              javaHome,
              "TRIPLINE_JAR",
              jar.toString(),
              "TRIPLINE_JVM_OPTS",
              String.join(" ", jvmOptions)));
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(javaHome, "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(arguments);
    return new Command(command, Map.of());
  }
}
