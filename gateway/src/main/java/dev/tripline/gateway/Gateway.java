package dev.tripline.gateway;

import dev.tripline.detectors.DetectionEngine;
import dev.tripline.detectors.DetectorLimits;
import dev.tripline.gateway.admin.AdminRoutes;
import dev.tripline.gateway.config.DestinationsLoader;
import dev.tripline.gateway.config.GatewayConfig;
import dev.tripline.gateway.config.Sources;
import dev.tripline.gateway.config.SourcesLoader;
import dev.tripline.gateway.delivery.CapExpiryJob;
import dev.tripline.gateway.delivery.Deliverer;
import dev.tripline.gateway.delivery.DeliveryOptions;
import dev.tripline.gateway.delivery.Destination;
import dev.tripline.gateway.delivery.MongoCapStore;
import dev.tripline.gateway.delivery.MongoDeliveryStore;
import dev.tripline.gateway.delivery.RetryPolicy;
import dev.tripline.gateway.detect.DetectionPipeline;
import dev.tripline.gateway.detect.MongoDetectionStore;
import dev.tripline.gateway.detect.MongoTimerStore;
import dev.tripline.gateway.detect.RulesReloader;
import dev.tripline.gateway.metrics.GatewayMetrics;
import dev.tripline.gateway.profile.MongoProfiles;
import dev.tripline.gateway.profile.ProfileCache;
import dev.tripline.gateway.profile.ProfileEnricher;
import dev.tripline.gateway.store.EmbeddedMongo;
import dev.tripline.gateway.store.EmbeddedMongoOptions;
import dev.tripline.gateway.store.EventStoreOptions;
import dev.tripline.gateway.store.GroupCommitWriter;
import dev.tripline.gateway.store.MongoEventStore;
import dev.tripline.gateway.store.RetentionJob;
import dev.tripline.gateway.store.RetentionOptions;
import dev.tripline.gateway.store.StoreClients;
import dev.tripline.gateway.store.WriterOptions;
import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.handlers.access.RateLimiter;
import dev.tripline.handlers.access.TokenBucketRateLimiter;
import dev.tripline.handlers.hooks.HookSource;
import dev.tripline.rules.Rule;
import dev.tripline.rules.RuleLoader;
import dev.tripline.rules.RuleSet;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
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
  private final DetectionPipeline pipeline;
  private final MongoTimerStore timers;
  private final RulesReloader reloader;
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
      DetectionPipeline pipeline,
      MongoTimerStore timers,
      RulesReloader reloader,
      Deliverer deliverer,
      RetentionJob retention,
      CapExpiryJob capExpiry,
      HttpServers http) {
    this.vertx = vertx;
    this.config = config;
    this.embedded = embedded;
    this.mongo = mongo;
    this.writer = writer;
    this.pipeline = pipeline;
    this.timers = timers;
    this.reloader = reloader;
    this.deliverer = deliverer;
    this.retention = retention;
    this.capExpiry = capExpiry;
    this.http = http;
  }

  /** What is read from files at start: destinations, rules that name them, and sources. */
  private record Definitions(
      Map<String, Destination> destinations, RuleSet rules, Sources sources) {}

  /**
   * Starts a gateway: validates destinations and rules, starts the embedded MongoDB-compatible
   * server when no URI is configured, creates indexes, and binds HTTP last, so that a gateway that
   * accepts requests is a gateway that can store them.
   */
  public static Future<Gateway> start(
      Vertx vertx, GatewayConfig config, PrometheusMeterRegistry registry) {
    return start(vertx, config, registry, InstantSource.system());
  }

  /**
   * Starts a gateway whose detectors, timers and deliveries read {@code clock}: tests use a clock
   * ahead of real time to see a restart after timers became due.
   */
  public static Future<Gateway> start(
      Vertx vertx, GatewayConfig config, PrometheusMeterRegistry registry, InstantSource clock) {
    return start(vertx, config, registry, clock, System.getenv());
  }

  /**
   * Starts a gateway that resolves the {@code ${NAME}} references of its destinations and sources
   * in {@code env}: tests pass the secrets they sign with.
   */
  public static Future<Gateway> start(
      Vertx vertx,
      GatewayConfig config,
      PrometheusMeterRegistry registry,
      InstantSource clock,
      Map<String, String> env) {
    GatewayMetrics metrics = new GatewayMetrics(registry);
    return vertx
        .executeBlocking(() -> loadDefinitions(config, env))
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
    ProfileCache profileCache =
        new ProfileCache(config.profiles().cacheSize(), config.profiles().cacheExpiry(), clock);
    MongoProfiles profiles =
        new MongoProfiles(
            mongo,
            profileCache,
            config.mongo().timeout(),
            embedded.isPresent() ? WriteOption.ACKNOWLEDGED : WriteOption.MAJORITY);
    // each destination's lane bounds its own attempts: let the pool of its endpoint hold them all
    int connectionsPerDestination =
        definitions.destinations().values().stream()
            .mapToInt(d -> d.limits().maxConcurrency())
            .max()
            .orElse(1);
    WebClient webClient =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setUserAgent("Tripline/0.1")
                .setFollowRedirects(false)
                .setVerifyHost(true)
                .setTrustAll(false),
            new PoolOptions().setHttp1MaxSize(connectionsPerDestination));
    Deliverer deliverer =
        new Deliverer(
            vertx,
            webClient,
            deliveries,
            caps,
            definitions.destinations(),
            new DeliveryOptions(
                new RetryPolicy(
                    config.delivery().retrySchedule(),
                    RetryPolicy.DEFAULT_JITTER,
                    config.delivery().maxRetryAfter(),
                    config.delivery().disableAfter(),
                    () -> ThreadLocalRandom.current().nextDouble()),
                config.delivery().pollInterval(),
                config.delivery().maxConcurrency()),
            clock,
            new MetricsObservers.Delivery(metrics));
    for (String destination : definitions.destinations().keySet()) {
      metrics.deliveryLane(
          destination,
          () -> deliverer.queued(destination),
          () -> deliverer.running(destination),
          () -> deliverer.breakerState(destination).orElse("closed"),
          () -> deliverer.retriesPending(destination));
    }
    MongoTimerStore timers = new MongoTimerStore(vertx, mongo);
    DetectorLimits limits =
        new DetectorLimits(
            config.detectors().maxKeysPerRule(), config.detectors().maxTimersPerRule());
    MetricsObservers.Engine engineObserver = new MetricsObservers.Engine(metrics, timers, clock);
    DetectionEngine engine =
        new DetectionEngine(definitions.rules().rules(), clock, limits, engineObserver);
    DetectionPipeline pipeline =
        new DetectionPipeline(
            vertx,
            engine,
            detections,
            deliverer::submit,
            d -> metrics.detection(d.ruleId()),
            10_000,
            clock,
            config.detectors().timerTick());
    RulesReloader reloader =
        new RulesReloader(
            vertx,
            config.rulesDir(),
            definitions.destinations().keySet(),
            definitions.rules(),
            pipeline,
            timers,
            (rules, previous) ->
                new DetectionEngine(rules, clock, limits, engineObserver, previous),
            metrics::rulesReloaded,
            clock);
    Optional<AdminRoutes> admin =
        config.adminToken().isEmpty()
            ? Optional.empty()
            : Optional.of(
                new AdminRoutes(config.adminToken(), reloader, pipeline, mongo, deliverer));
    GroupCommitWriter writer =
        new GroupCommitWriter(
            vertx,
            events,
            new WriterOptions(
                config.ingest().queueCapacity(),
                config.ingest().writeBatchSize(),
                config.ingest().writeConcurrency(),
                config.ingest().retryAfter()),
            // each event meets its user's profile on the way to detection
            new ProfileEnricher(
                profileCache, profiles::load, pipeline::submit, metrics::profileLoadFailed),
            new MetricsObservers.Writer(metrics));
    metrics.queueDepth(writer::queueDepth);
    metrics.profilesCached(profileCache::size);
    RetentionJob retention =
        new RetentionJob(
            vertx,
            events,
            new RetentionOptions(config.retention().interval(), config.retention().maxAge()),
            clock);
    CapExpiryJob capExpiry = new CapExpiryJob(vertx, caps, config.retention().interval(), clock);
    HttpServers http =
        new HttpServers(
            vertx,
            new HttpVerticle.Collaborators(
                config,
                registry,
                writer,
                metrics,
                mongo,
                admin,
                profiles,
                ingestAccess(config, definitions.sources(), metrics),
                definitions.sources().hooks()));
    return Future.all(
            events.createIndexes(),
            detections.createIndexes(),
            deliveries.createIndexes(),
            timers.createIndexes(),
            caps.createIndexes())
        // timers go back before any event can reach the engine; overdue ones fire at once
        .compose(v -> pipeline.withEngine(timers::restore).compose(restored -> restored))
        .compose(
            restored -> {
              log.info("restore timers [timers: {}]", restored);
              return pipeline.fireDue();
            })
        .compose(v -> http.start())
        .compose(v -> reloader.watch(config.rulesWatchInterval()))
        .map(
            v -> {
              deliverer.start();
              retention.start();
              pipeline.start();
              capExpiry.start();
              log.info(
                  "started tripline [http port: {}, mongo: {}, rules: {}, destinations: {},"
                      + " sources: {}]",
                  http.port(),
                  embedded.map(e -> "embedded " + e.connectionString()).orElse("external"),
                  definitions.rules().size(),
                  definitions.destinations().size(),
                  definitions.sources().size());
              return new Gateway(
                  vertx, config, embedded, mongo, writer, pipeline, timers, reloader, deliverer,
                  retention, capExpiry, http);
            });
  }

  /**
   * Who may send events and how fast, shared by every HTTP server instance: the sources' write
   * keys, their rate limits and the per-address limit.
   */
  private static IngestAccess ingestAccess(
      GatewayConfig config, Sources sources, GatewayMetrics metrics) {
    TokenBucketRateLimiter limits =
        new TokenBucketRateLimiter(
            sources.rateLimits(),
            config.ingest().perIpLimit(),
            config.ingest().perIpMaxAddresses(),
            InstantSource.system(),
            new MetricsObservers.Ingest(metrics));
    return new IngestAccess(
        sources.writeKeys(),
        limits.limitsAnything() ? limits : RateLimiter.NONE,
        sources.apiMaxBodyBytes());
  }

  private static Definitions loadDefinitions(GatewayConfig config, Map<String, String> env) {
    Map<String, Destination> destinations = DestinationsLoader.load(config.destinationsFile(), env);
    RuleSet rules = RuleLoader.load(config.rulesDir(), destinations.keySet());
    for (Rule rule : rules.rules()) {
      log.info(
          "load rule [id: {}, version: {}, kind: {}]",
          rule.id(),
          rule.version(),
          rule.detector().kind());
    }
    Sources sources = SourcesLoader.load(config.sourcesFile(), env, config.ingest().maxBodyBytes());
    for (HookSource hook : sources.hooks()) {
      log.info(
          "load source [id: {}, kind: webhook, scheme: {}, max body: {}]",
          hook.id(),
          hook.scheme().wireName(),
          hook.maxBodyBytes());
    }
    sources.sourceByWriteKey().values().stream()
        .distinct()
        .forEach(api -> log.info("load source [id: {}, kind: api]", api));
    return new Definitions(destinations, rules, sources);
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
   * Stops gracefully: no new connections, then the write queue drains, then the timer tick stops
   * and timer changes are written, then in-flight deliveries finish, then MongoDB closes. Bounded
   * by {@code shutdown.timeout}.
   */
  public Future<Void> stop() {
    reloader.close();
    return http.stop()
        .compose(v -> writer.drain())
        .compose(
            v -> {
              pipeline.stop();
              return pipeline.withEngine(e -> timers.drain()).compose(drained -> drained);
            })
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
