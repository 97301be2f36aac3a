package dev.tripline.gateway;

import dev.tripline.gateway.config.ConfigLoader;
import dev.tripline.gateway.config.GatewayConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

/**
 * Writes a gateway configuration into a temporary directory (ports 0, its own data dir, rules and
 * destinations given by the test) and starts a real gateway from it.
 */
final class TestGateway {

  private final Path dir;
  private String rules = "[]";
  private String destinations = "[]";
  private String sources = "[]";
  private Map<String, String> env = Map.of();
  private String extraConfig = "";
  private String httpConfig = "";
  private String watchInterval = "2s";

  TestGateway(Path dir) {
    this.dir = dir;
  }

  TestGateway rules(String yaml) {
    this.rules = yaml;
    return this;
  }

  TestGateway destinations(String yaml) {
    this.destinations = yaml;
    return this;
  }

  /** The sources file's content. */
  TestGateway sources(String yaml) {
    this.sources = yaml;
    return this;
  }

  /** The environment the gateway resolves {@code ${NAME}} references in (secrets). */
  TestGateway env(Map<String, String> env) {
    this.env = env;
    return this;
  }

  /** How often the gateway checks the rules directory for changes; {@code 0s} for never. */
  TestGateway watchInterval(String interval) {
    this.watchInterval = interval;
    return this;
  }

  /** Extra top-level YAML appended to the config (e.g. a {@code delivery:} section). */
  TestGateway config(String yaml) {
    this.extraConfig = yaml;
    return this;
  }

  /** Further keys of the {@code http:} section, one {@code key: value} per line. */
  TestGateway http(String lines) {
    this.httpConfig = lines.strip().replaceAll("(?m)^\\s*", "  ") + "\n";
    return this;
  }

  Path writeConfig() throws IOException {
    Path rulesDir = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(rulesDir.resolve("rules.yaml"), rules);
    Path destinationsFile = dir.resolve("destinations.yaml");
    Files.writeString(destinationsFile, destinations);
    Path sourcesFile = dir.resolve("sources.yaml");
    Files.writeString(sourcesFile, sources);
    Path config = dir.resolve("tripline.yaml");
    Files.writeString(
        config,
        """
        http:
          host: 127.0.0.1
          port: 0
          instances: 2
        %smongo:
          embedded:
            port: 0
            data-dir: %s
        rules:
          dir: %s
          watch-interval: %s
        destinations:
          file: %s
        sources:
          file: %s
        """
                .formatted(
                    httpConfig,
                    dir.resolve("data"),
                    rulesDir,
                    watchInterval,
                    destinationsFile,
                    sourcesFile)
            + extraConfig);
    return config;
  }

  Future<Gateway> start(Vertx vertx) {
    return start(vertx, InstantSource.system());
  }

  /** Starts a gateway whose detectors, timers and deliveries read {@code clock}. */
  Future<Gateway> start(Vertx vertx, InstantSource clock) {
    GatewayConfig config;
    try {
      config = ConfigLoader.load(writeConfig(), true, Map.of());
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return Gateway.start(
        vertx, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), clock, env);
  }

  /** A client to the gateway's embedded store, to look at what it wrote. */
  static MongoClient mongo(Vertx vertx, Gateway gateway) {
    return MongoClient.create(
        vertx,
        new JsonObject()
            .put(
                "connection_string",
                "mongodb://127.0.0.1:" + gateway.embeddedMongoPort().orElseThrow())
            .put("db_name", "tripline"));
  }
}
