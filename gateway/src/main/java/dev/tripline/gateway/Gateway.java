package dev.tripline.gateway;

import dev.tripline.detectors.DetectionEngine;
import dev.tripline.detectors.DetectorLimits;
import dev.tripline.gateway.config.DestinationsLoader;
import dev.tripline.gateway.config.GatewayConfig;
import dev.tripline.gateway.delivery.CapExpiryJob;
import dev.tripline.gateway.delivery.Deliverer;
import dev.tripline.gateway.delivery.DeliveryOptions;
import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.delivery.MongoCapStore;
import dev.tripline.gateway.delivery.MongoDeliveryStore;
import dev.tripline.gateway.delivery.RetryPolicy;
import dev.tripline.gateway.detect.DetectionPipeline;
import dev.tripline.gateway.detect.MongoDetectionStore;
import dev.tripline.gateway.metrics.GatewayMetrics;
import dev.tripline.gateway.store.EmbeddedMongo;
import dev.tripline.gateway.store.EmbeddedMongoOptions;
import dev.tripline.gateway.store.EventStoreOptions;
import dev.tripline.gateway.store.GroupCommitWriter;
import dev.tripline.gateway.store.MongoEventStore;
import dev.tripline.gateway.store.RetentionJob;
import dev.tripline.gateway.store.RetentionOptions;
import dev.tripline.gateway.store.StoreClients;
import dev.tripline.gateway.store.WriterOptions;
import dev.tripline.rules.Rule;
import dev.tripline.rules.RuleLoader;
import dev.tripline.rules.RuleSet;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.WriteOption;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every collaborator from the configuration, in dependency order, and
 * tears them down in reverse. Nothing else in the gateway constructs long-lived objects.
 */
public final class Gateway {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Optional<EmbeddedMongo> embedded;
  private final MongoClient mongo;
  private final GroupCommitWriter writer;
  private final Deliverer deliverer;
  private final RetentionJob retention;
  private final CapExpiryJob capExpiry;
  private final HttpServers http;

  private Gateway(
      Vertx vertx,
      GatewayConfig config,
      Optional<EmbeddedMongo> embedded,
      MongoClient mongo,
      GroupCommitWriter writer,
      Deliverer deliverer,
      RetentionJob retention,
      CapExpiryJob capExpiry,
      HttpServers http) {
    this.vertx = vertx;
    this.config = config;
    this.embedded = embedded;
    this.mongo = mongo;
    this.writer = writer;
    this.deliverer = deliverer;
    this.retention = retention;
    this.capExpiry = capExpiry;
    this.http = http;
  }

  /** What is read from files at start: destinations, then rules that name them. */
  private record Definitions(Map<String, Destination> destinations, RuleSet rules) {}

  /**
   * Starts a gateway: validates destinations and rules, starts the embedded MongoDB-compatible
   * server when no URI is configured, creates indexes, and binds HTTP last, so that a gateway that
   * accepts requests is a gateway that can store them.
   */
  public static Future<Gateway> start(
      Vertx vertx, GatewayConfig config, PrometheusMeterRegistry registry) {
    GatewayMetrics metrics = new GatewayMetrics(registry);
    InstantSource clock = InstantSource.system();
    return vertx
        .executeBlocking(() -> loadDefinitions(config))
        .compose(
            definitions ->
                vertx
                    .executeBlocking(() -> startEmbedded(config))
                    .compose(
                        embedded -> {
                          MongoClient mongo =
                              StoreClients.create(vertx, mongoConfig(config, embedded), "tripline");
                          return wire(
                              vertx,
                              config,
                              registry,
                              metrics,
                              clock,
                              definitions,
                              embedded,
                              mongo);
                        }));
  }

  private static Future<Gateway> wire(
      Vertx vertx,
      GatewayConfig config,
      PrometheusMeterRegistry registry,
      GatewayMetrics metrics,
      InstantSource clock,
      Definitions definitions,
      Optional<EmbeddedMongo> embedded,
      MongoClient mongo) {
    MongoEventStore events =
        new MongoEventStore(
            mongo,
            new EventStoreOptions(
                EventStoreOptions.DEFAULT_COLLECTION,
                config.mongo().timeout(),
                // the embedded server commits before it replies; a real MongoDB acknowledges a
                // majority write once it is journaled on a majority of the replica set
                embedded.isPresent() ? WriteOption.ACKNOWLEDGED : WriteOption.MAJORITY));
    MongoDetectionStore detections = new MongoDetectionStore(mongo);
    MongoDeliveryStore deliveries = new MongoDeliveryStore(mongo);
    MongoCapStore caps = new MongoCapStore(mongo, config.mongo().timeout());
    WebClient webClient =
        WebClient.create(vertx, new WebClientOptions().setUserAgent("Tripline/0.1"));
    Deliverer deliverer =
        new Deliverer(
            vertx,
            webClient,
            deliveries,
            caps,
            definitions.destinations(),
            new DeliveryOptions(
                new RetryPolicy(
                    config.delivery().maxAttempts(),
                    config.delivery().initialBackoff(),
                    config.delivery().maxBackoff(),
                    RetryPolicy.DEFAULT_MULTIPLIER,
                    RetryPolicy.DEFAULT_JITTER,
                    () -> ThreadLocalRandom.current().nextDouble()),
                config.delivery().pollInterval(),
                config.delivery().maxConcurrency()),
            clock,
            new MetricsObservers.Delivery(metrics));
    DetectionEngine engine =
        new DetectionEngine(
            definitions.rules().rules(),
            clock,
            new DetectorLimits(config.maxKeysPerRule()),
            new MetricsObservers.Engine(metrics));
    DetectionPipeline pipeline =
        new DetectionPipeline(
            vertx,
            engine,
            detections,
            deliverer::submit,
            d -> metrics.detection(d.ruleId()),
            10_000);
    GroupCommitWriter writer =
        new GroupCommitWriter(
            vertx,
            events,
            new WriterOptions(
                config.ingest().queueCapacity(),
                config.ingest().writeBatchSize(),
                config.ingest().writeConcurrency(),
                config.ingest().retryAfter()),
            pipeline::submit,
            new MetricsObservers.Writer(metrics));
    metrics.queueDepth(writer::queueDepth);
    RetentionJob retention =
        new RetentionJob(
            vertx,
            events,
            new RetentionOptions(config.retention().interval(), config.retention().maxAge()),
            clock);
    CapExpiryJob capExpiry = new CapExpiryJob(vertx, caps, config.retention().interval(), clock);
    HttpServers http = new HttpServers(vertx, config, registry, writer, metrics, mongo);
    return Future.all(
            events.createIndexes(),
            detections.createIndexes(),
            deliveries.createIndexes(),
            caps.createIndexes())
        .compose(v -> http.start())
        .map(
            v -> {
              deliverer.start();
              retention.start();
              capExpiry.start();
              log.info(
                  "started tripline [http port: {}, mongo: {}, rules: {}, destinations: {}]",
                  http.port(),
                  embedded.map(e -> "embedded " + e.connectionString()).orElse("external"),
                  definitions.rules().size(),
                  definitions.destinations().size());
              return new Gateway(
                  vertx, config, embedded, mongo, writer, deliverer, retention, capExpiry, http);
            });
  }

  private static Definitions loadDefinitions(GatewayConfig config) {
    Map<String, Destination> destinations =
        DestinationsLoader.load(config.destinationsFile(), System.getenv());
    RuleSet rules = RuleLoader.load(config.rulesDir(), destinations.keySet());
    for (Rule rule : rules.rules()) {
      log.info(
          "load rule [id: {}, version: {}, kind: {}]",
          rule.id(),
          rule.version(),
          rule.detector().kind());
    }
    return new Definitions(destinations, rules);
  }

  private static Optional<EmbeddedMongo> startEmbedded(GatewayConfig config) {
    if (config.mongo().uri().isPresent()) {
      return Optional.empty();
    }
    EmbeddedMongoOptions options =
        config.mongo().embeddedBackend().equals("memory")
            ? EmbeddedMongoOptions.memory()
            : EmbeddedMongoOptions.h2(config.mongo().embeddedDataDir());
    return Optional.of(EmbeddedMongo.start(options.withPort(config.mongo().embeddedPort())));
  }

  private static JsonObject mongoConfig(GatewayConfig config, Optional<EmbeddedMongo> embedded) {
    long timeoutMs = config.mongo().timeout().toMillis();
    return new JsonObject()
        .put(
            "connection_string",
            embedded
                .map(EmbeddedMongo::connectionString)
                .orElseGet(() -> config.mongo().uri().orElseThrow()))
        .put("db_name", config.mongo().database())
        .put("serverSelectionTimeoutMS", timeoutMs)
        .put("connectTimeoutMS", timeoutMs)
        .put("socketTimeoutMS", timeoutMs);
  }

  /** The actual HTTP port (useful when configured as 0). */
  public int httpPort() {
    return http.port();
  }

  /** The embedded MongoDB server's port, if one was started. */
  public Optional<Integer> embeddedMongoPort() {
    return embedded.map(EmbeddedMongo::port);
  }

  /**
   * Stops gracefully: no new connections, then the write queue drains, then in-flight deliveries
   * finish, then MongoDB closes. Bounded by {@code shutdown.timeout}.
   */
  public Future<Void> stop() {
    return http.stop()
        .compose(v -> writer.drain())
        .compose(v -> deliverer.stop())
        .timeout(config.shutdownTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .eventually(
            () -> {
              retention.close();
              capExpiry.close();
              return mongo.close();
            })
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      embedded.ifPresent(EmbeddedMongo::close);
                      return null;
                    }))
        .onComplete(ar -> log.info("stopped tripline"))
        .mapEmpty();
  }
}
