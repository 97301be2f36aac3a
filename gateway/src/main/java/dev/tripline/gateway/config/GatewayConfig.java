package dev.tripline.gateway.config;

import static dev.tripline.gateway.config.ConfigKeys.*;

import dev.tripline.gateway.http.ConnectionLimits;
import dev.tripline.handlers.access.RateLimit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The validated, immutable gateway configuration. See {@link ConfigKeys} for every key, its unit
 * and default.
 */
public record GatewayConfig(
    Http http,
    Ingest ingest,
    Mongo mongo,
    Path rulesDir,
    Duration rulesWatchInterval,
    Path destinationsFile,
    Path sourcesFile,
    Detectors detectors,
    String adminToken,
    Delivery delivery,
    Retention retention,
    Profiles profiles,
    Duration shutdownTimeout) {

  /** The HTTP server; {@code connections} bounds what one client can hold of it. */
  public record Http(
      String host,
      int port,
      List<String> trustedProxies,
      int instances,
      ConnectionLimits connections) {}

  /** Ingest limits and the write path. */
  public record Ingest(
      long maxBodyBytes,
      int maxBatchEvents,
      int maxJsonDepth,
      Duration maxClockSkew,
      int maxFramesInFlight,
      int queueCapacity,
      int writeBatchSize,
      int writeConcurrency,
      Duration retryAfter,
      Optional<RateLimit> perIpLimit,
      int perIpMaxAddresses) {}

  /** MongoDB: an external server when {@code uri} is present, else the embedded one. */
  public record Mongo(
      Optional<String> uri,
      String database,
      Duration timeout,
      int embeddedPort,
      Path embeddedDataDir,
      String embeddedBackend) {}

  /** Never prints {@code adminToken}. */
  @Override
  public String toString() {
    return "GatewayConfig[http="
        + http
        + ", ingest="
        + ingest
        + ", mongo="
        + mongo.database()
        + ", rulesDir="
        + rulesDir
        + ", destinationsFile="
        + destinationsFile
        + ", sourcesFile="
        + sourcesFile
        + ", detectors="
        + detectors
        + ", adminToken="
        + (adminToken.isEmpty() ? "(none)" : "(set)")
        + "]";
  }

  /** Detector state bounds and timers. */
  public record Detectors(int maxKeysPerRule, int maxTimersPerRule, Duration timerTick) {}

  /** Outbound webhook delivery. */
  public record Delivery(
      List<Duration> retrySchedule,
      Duration maxRetryAfter,
      Duration disableAfter,
      Duration pollInterval,
      int maxConcurrency) {}

  /** Event retention. */
  public record Retention(Duration maxAge, Duration interval) {}

  /** The in-memory cache of user profiles that rules read as {@code event.profile}. */
  public record Profiles(int cacheSize, Duration cacheExpiry) {}

  static GatewayConfig from(ConfigLoader.ResolvedValues v) {
    String uri = v.get(MONGO_URI).strip();
    return new GatewayConfig(
        new Http(
            v.get(HTTP_HOST),
            v.get(HTTP_PORT),
            v.get(HTTP_TRUSTED_PROXIES),
            v.get(HTTP_INSTANCES),
            new ConnectionLimits(
                v.get(HTTP_IDLE_TIMEOUT),
                v.get(HTTP_REQUEST_READ_TIMEOUT),
                v.get(HTTP_MAX_CONNECTIONS))),
        new Ingest(
            v.get(INGEST_MAX_BODY_SIZE),
            v.get(INGEST_MAX_BATCH_EVENTS),
            v.get(INGEST_MAX_JSON_DEPTH),
            v.get(INGEST_MAX_CLOCK_SKEW),
            v.get(INGEST_MAX_FRAMES_IN_FLIGHT),
            v.get(INGEST_QUEUE_CAPACITY),
            v.get(INGEST_WRITE_BATCH_SIZE),
            v.get(INGEST_WRITE_CONCURRENCY),
            v.get(INGEST_RETRY_AFTER),
            perIpLimit(v.get(INGEST_PER_IP_RATE), v.get(INGEST_PER_IP_BURST)),
            v.get(INGEST_PER_IP_MAX_ADDRESSES)),
        new Mongo(
            uri.isEmpty() ? Optional.empty() : Optional.of(uri),
            v.get(MONGO_DATABASE),
            v.get(MONGO_TIMEOUT),
            v.get(MONGO_EMBEDDED_PORT),
            Path.of(v.get(MONGO_EMBEDDED_DATA_DIR)),
            v.get(MONGO_EMBEDDED_BACKEND)),
        Path.of(v.get(RULES_DIR)),
        v.get(RULES_WATCH_INTERVAL),
        Path.of(v.get(DESTINATIONS_FILE)),
        Path.of(v.get(SOURCES_FILE)),
        new Detectors(
            v.get(DETECTORS_MAX_KEYS_PER_RULE),
            v.get(DETECTORS_MAX_TIMERS_PER_RULE),
            v.get(DETECTORS_TIMER_TICK)),
        v.get(ADMIN_TOKEN),
        new Delivery(
            v.get(DELIVERY_RETRY_SCHEDULE),
            v.get(DELIVERY_MAX_RETRY_AFTER),
            v.get(DELIVERY_DISABLE_AFTER),
            v.get(DELIVERY_POLL_INTERVAL),
            v.get(DELIVERY_MAX_CONCURRENCY)),
        new Retention(v.get(RETENTION_MAX_AGE), v.get(RETENTION_INTERVAL)),
        new Profiles(v.get(PROFILES_CACHE_SIZE), v.get(PROFILES_CACHE_EXPIRY)),
        v.get(SHUTDOWN_TIMEOUT));
  }

  /** A rate of 0 turns the per-address limit off; a burst of 0 is one second's worth. */
  private static Optional<RateLimit> perIpLimit(double rate, int burst) {
    if (rate == 0) {
      return Optional.empty();
    }
    return Optional.of(new RateLimit(rate, burst == 0 ? RateLimit.defaultBurst(rate) : burst));
  }
}
