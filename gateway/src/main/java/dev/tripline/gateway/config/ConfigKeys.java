package dev.tripline.gateway.config;

import dev.tripline.handlers.ClientIpResolver;
import dev.tripline.rules.DataSizes;
import dev.tripline.rules.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every configuration key the gateway reads, with its default. This list is the single source of
 * truth: the loader accepts exactly these keys and the README's reference is checked against it.
 */
public final class ConfigKeys {

  public static final ConfigKey<String> HTTP_HOST =
      key("http.host", "string", "", "0.0.0.0", "Address the HTTP server binds to.", nonEmpty());
  public static final ConfigKey<Integer> HTTP_PORT =
      key("http.port", "integer", "", "8080", "HTTP port; 0 picks a free port.", intIn(0, 65535));
  public static final ConfigKey<List<String>> HTTP_TRUSTED_PROXIES =
      key(
          "http.trusted-proxies",
          "list of IPs/CIDRs",
          "",
          "",
          "Peers whose X-Forwarded-For is believed; from any other peer the peer address is the client IP.",
          ConfigKeys::trustedProxies);
  public static final ConfigKey<Integer> HTTP_INSTANCES =
      key(
          "http.instances",
          "integer",
          "",
          "0",
          "HTTP server verticles sharing the port; 0 means one per CPU core.",
          intIn(0, 256));
  public static final ConfigKey<Duration> HTTP_IDLE_TIMEOUT =
      key(
          "http.idle-timeout",
          "duration",
          "",
          "60s",
          "A connection on which nothing is read or written for this long is closed; 0s turns it"
              + " off. Streams stay open while the client is there: the gateway pings each"
              + " /v1/stream socket and sends SockJS heartbeats at half this (25s when off).",
          durationIn(Duration.ZERO, Duration.ofDays(1)));
  public static final ConfigKey<Duration> HTTP_REQUEST_READ_TIMEOUT =
      key(
          "http.request-read-timeout",
          "duration",
          "",
          "30s",
          "Longest a client may take to send a whole request, head and body, from when the"
              + " connection opened or its previous response ended; past it 408 (when a body was"
              + " being read) and the connection is closed. Bounds how long a keep-alive connection"
              + " waits for its next request too.",
          durationIn(Duration.ofMillis(100), Duration.ofHours(1)));
  public static final ConfigKey<Integer> HTTP_MAX_CONNECTIONS =
      key(
          "http.max-connections",
          "integer",
          "connections",
          "4096",
          "Open HTTP connections (WebSocket streams included) across the server instances; past it"
              + " a new connection is closed at once and counted.",
          intIn(1, 1_000_000));

  public static final ConfigKey<Long> INGEST_MAX_BODY_SIZE =
      key(
          "ingest.max-body-size",
          "size",
          "bytes (B, KiB, MiB)",
          "512KiB",
          "Largest HTTP body or WebSocket message; larger bodies get 413, larger messages close"
              + " the WebSocket with 1009.",
          sizeIn(1024, 64L * 1024 * 1024));
  public static final ConfigKey<Integer> INGEST_MAX_BATCH_EVENTS =
      key(
          "ingest.max-batch-events",
          "integer",
          "events",
          "500",
          "Most events in one batch; more get 400.",
          intIn(1, 100_000));
  public static final ConfigKey<Integer> INGEST_MAX_JSON_DEPTH =
      key(
          "ingest.max-json-depth",
          "integer",
          "levels",
          "64",
          "Deepest JSON nesting accepted; deeper bodies get 400.",
          intIn(3, 1000));
  public static final ConfigKey<Duration> INGEST_MAX_CLOCK_SKEW =
      key(
          "ingest.max-clock-skew",
          "duration",
          "",
          "10m",
          "How far in the future an event timestamp may be before it is rejected.",
          durationAtLeast(Duration.ZERO));
  public static final ConfigKey<Integer> INGEST_MAX_FRAMES_IN_FLIGHT =
      key(
          "ingest.max-frames-in-flight",
          "integer",
          "frames",
          "16",
          "WebSocket frames per connection awaiting durability before reading pauses.",
          intIn(1, 10_000));
  public static final ConfigKey<Integer> INGEST_QUEUE_CAPACITY =
      key(
          "ingest.queue-capacity",
          "integer",
          "events",
          "20000",
          "Events waiting to be written; when full, HTTP answers 503 and WebSockets pause.",
          intIn(1, 10_000_000));
  public static final ConfigKey<Integer> INGEST_WRITE_BATCH_SIZE =
      key(
          "ingest.write-batch-size",
          "integer",
          "events",
          "1000",
          "Most events in one group-committed bulk write.",
          intIn(1, 100_000));
  public static final ConfigKey<Integer> INGEST_WRITE_CONCURRENCY =
      key(
          "ingest.write-concurrency",
          "integer",
          "writes",
          "2",
          "Bulk writes in flight at once. While they are in flight, new events queue up and go"
              + " out together in the next write: fewer, larger writes are cheaper per event. Raise"
              + " it for a remote MongoDB whose round trip, not its work per write, limits ingest.",
          intIn(1, 256));
  public static final ConfigKey<Duration> INGEST_RETRY_AFTER =
      key(
          "ingest.retry-after",
          "duration",
          "",
          "1s",
          "Retry-After sent with 503 when the queue is full or the store is unavailable.",
          durationAtLeast(Duration.ofSeconds(1)));

  public static final ConfigKey<Double> INGEST_PER_IP_RATE =
      key(
          "ingest.per-ip-rate",
          "number",
          "requests/s",
          "0",
          "Requests per second each client address may make to /v1/events and /hooks/..., across"
              + " sources (token bucket; past it 429 with Retry-After); 0 turns the limit off.",
          numberIn(0, 1_000_000));
  public static final ConfigKey<Integer> INGEST_PER_IP_BURST =
      key(
          "ingest.per-ip-burst",
          "integer",
          "requests",
          "0",
          "Requests a client address may make at once after a quiet spell; 0 means one second's"
              + " worth of ingest.per-ip-rate.",
          intIn(0, 10_000_000));
  public static final ConfigKey<Integer> INGEST_PER_IP_MAX_ADDRESSES =
      key(
          "ingest.per-ip-max-addresses",
          "integer",
          "addresses",
          "100000",
          "Client addresses whose rate is tracked at once; beyond it idle ones are forgotten first.",
          intIn(1, 10_000_000));

  public static final ConfigKey<String> MONGO_URI =
      key(
          "mongo.uri",
          "string",
          "",
          "",
          "MongoDB connection string; empty starts the embedded MongoDB-compatible server.",
          s -> s);
  public static final ConfigKey<String> MONGO_DATABASE =
      key("mongo.database", "string", "", "tripline", "Database name.", nonEmpty());
  public static final ConfigKey<Duration> MONGO_TIMEOUT =
      key(
          "mongo.timeout",
          "duration",
          "",
          "10s",
          "Server selection, connect and socket timeout of every MongoDB call.",
          durationAtLeast(Duration.ofMillis(100)));
  public static final ConfigKey<Integer> MONGO_EMBEDDED_PORT =
      key(
          "mongo.embedded.port",
          "integer",
          "",
          "27117",
          "Port of the embedded server on 127.0.0.1 (open it with any MongoDB tool); 0 picks a free port.",
          intIn(0, 65535));
  public static final ConfigKey<String> MONGO_EMBEDDED_DATA_DIR =
      key(
          "mongo.embedded.data-dir",
          "path",
          "",
          "data",
          "Directory of the embedded server's H2 file.",
          nonEmpty());
  public static final ConfigKey<String> MONGO_EMBEDDED_BACKEND =
      key(
          "mongo.embedded.backend",
          "h2 | memory",
          "",
          "h2",
          "h2 is durable on disk; memory keeps nothing across restarts (benchmarks only).",
          oneOf("h2", "memory"));

  public static final ConfigKey<String> RULES_DIR =
      key("rules.dir", "path", "", "config/rules", "Directory of YAML rule files.", nonEmpty());
  public static final ConfigKey<String> DESTINATIONS_FILE =
      key(
          "destinations.file",
          "path",
          "",
          "config/destinations.yaml",
          "YAML file of webhook destinations.",
          nonEmpty());
  public static final ConfigKey<String> SOURCES_FILE =
      key(
          "sources.file",
          "path",
          "",
          "config/sources.yaml",
          "YAML file of inbound sources: signed webhook sources (POST /hooks/{id}) and the write"
              + " keys of the HTTP API.",
          nonEmpty());
  public static final ConfigKey<Integer> DETECTORS_MAX_KEYS_PER_RULE =
      key(
          "detectors.max-keys-per-rule",
          "integer",
          "keys",
          "100000",
          "Keys each rule keeps state for; the least recently used are evicted beyond it.",
          intIn(1, 100_000_000));
  public static final ConfigKey<Integer> DETECTORS_MAX_TIMERS_PER_RULE =
      key(
          "detectors.max-timers-per-rule",
          "integer",
          "timers",
          "1000000",
          "Pending timers (absence, sequence) each rule keeps, about 280 bytes of heap each; beyond"
              + " it new keys' starts are refused and counted in"
              + " tripline_detector_keys_refused_total{reason=\"max_timers\"}. A rule's new_keys"
              + " decides how fast it may open timers for new keys.",
          intIn(1, 100_000_000));
  public static final ConfigKey<Duration> DETECTORS_TIMER_TICK =
      key(
          "detectors.timer-tick",
          "duration",
          "",
          "250ms",
          "How often due timers are fired; a timer fires at most about this late.",
          durationAtLeast(Duration.ofMillis(10)));
  public static final ConfigKey<Duration> RULES_WATCH_INTERVAL =
      key(
          "rules.watch-interval",
          "duration",
          "",
          "2s",
          "How often the rules directory is checked for changes to reload; 0s turns watching off"
              + " (POST /admin/rules/reload still reloads).",
          durationAtLeast(Duration.ZERO));
  public static final ConfigKey<String> ADMIN_TOKEN =
      key(
          "admin.token",
          "string",
          "",
          "",
          "Bearer token for /admin/...; empty disables the admin API (404). Set it with"
              + " TRIPLINE_ADMIN_TOKEN rather than in the file.",
          String::strip);

  public static final ConfigKey<List<Duration>> DELIVERY_RETRY_SCHEDULE =
      key(
          "delivery.retry-schedule",
          "list of durations",
          "",
          "5s,5m,30m,2h,5h,10h,14h,20h,24h",
          "Waits before the 1st, 2nd, ... retry of a failed delivery, each with +/-20% jitter (the"
              + " first attempt is immediate); empty for no retries. A destination's retry: replaces"
              + " it.",
          ConfigKeys::retrySchedule);
  public static final ConfigKey<Duration> DELIVERY_MAX_RETRY_AFTER =
      key(
          "delivery.max-retry-after",
          "duration",
          "",
          "1h",
          "Longest wait a destination's Retry-After answer is obeyed for; it only ever lengthens"
              + " the scheduled wait.",
          durationAtLeast(Duration.ZERO));
  public static final ConfigKey<Duration> DELIVERY_DISABLE_AFTER =
      key(
          "delivery.disable-after",
          "duration",
          "",
          "5d",
          "A destination whose attempts have failed without a success for this long is disabled"
              + " (its deliveries are held); 0s never disables. A destination's disable_after"
              + " replaces it.",
          durationAtLeast(Duration.ZERO));
  public static final ConfigKey<Duration> DELIVERY_POLL_INTERVAL =
      key(
          "delivery.poll-interval",
          "duration",
          "",
          "1s",
          "How often the outbox is scanned for due retries.",
          durationAtLeast(Duration.ofMillis(10)));
  public static final ConfigKey<Integer> DELIVERY_MAX_CONCURRENCY =
      key(
          "delivery.max-concurrency",
          "integer",
          "requests",
          "32",
          "Outbound webhook attempts in flight at once, across all destinations; each"
              + " destination's own max_concurrency (destinations.yaml) bounds its share.",
          intIn(1, 10_000));

  public static final ConfigKey<Duration> RETENTION_MAX_AGE =
      key(
          "retention.max-age",
          "duration",
          "",
          "30d",
          "Events received longer ago than this are deleted.",
          durationAtLeast(Duration.ofMinutes(1)));
  public static final ConfigKey<Duration> RETENTION_INTERVAL =
      key(
          "retention.interval",
          "duration",
          "",
          "1h",
          "How often the retention job runs.",
          durationAtLeast(Duration.ofSeconds(1)));
  public static final ConfigKey<Integer> PROFILES_CACHE_SIZE =
      key(
          "profiles.cache-size",
          "integer",
          "users",
          "100000",
          "User profiles (traits from identify calls) held in memory for event.profile in rules;"
              + " the least recently used are evicted and loaded again when needed.",
          intIn(1, 10_000_000));
  public static final ConfigKey<Duration> PROFILES_CACHE_EXPIRY =
      key(
          "profiles.cache-expiry",
          "duration",
          "",
          "10m",
          "How long a cached profile (or the absence of one) is used before it is read again;"
              + " bounds how late a change made by another gateway is seen.",
          durationAtLeast(Duration.ofSeconds(1)));
  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT =
      key(
          "shutdown.timeout",
          "duration",
          "",
          "30s",
          "Longest graceful shutdown: draining writes and in-flight deliveries.",
          durationAtLeast(Duration.ofSeconds(1)));

  /** Every key, in reference order. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          HTTP_HOST,
          HTTP_PORT,
          HTTP_TRUSTED_PROXIES,
          HTTP_INSTANCES,
          HTTP_IDLE_TIMEOUT,
          HTTP_REQUEST_READ_TIMEOUT,
          HTTP_MAX_CONNECTIONS,
          INGEST_MAX_BODY_SIZE,
          INGEST_MAX_BATCH_EVENTS,
          INGEST_MAX_JSON_DEPTH,
          INGEST_MAX_CLOCK_SKEW,
          INGEST_MAX_FRAMES_IN_FLIGHT,
          INGEST_QUEUE_CAPACITY,
          INGEST_WRITE_BATCH_SIZE,
          INGEST_WRITE_CONCURRENCY,
          INGEST_RETRY_AFTER,
          INGEST_PER_IP_RATE,
          INGEST_PER_IP_BURST,
          INGEST_PER_IP_MAX_ADDRESSES,
          MONGO_URI,
          MONGO_DATABASE,
          MONGO_TIMEOUT,
          MONGO_EMBEDDED_PORT,
          MONGO_EMBEDDED_DATA_DIR,
          MONGO_EMBEDDED_BACKEND,
          RULES_DIR,
          RULES_WATCH_INTERVAL,
          DESTINATIONS_FILE,
          SOURCES_FILE,
          DETECTORS_MAX_KEYS_PER_RULE,
          DETECTORS_MAX_TIMERS_PER_RULE,
          DETECTORS_TIMER_TICK,
          ADMIN_TOKEN,
          DELIVERY_RETRY_SCHEDULE,
          DELIVERY_MAX_RETRY_AFTER,
          DELIVERY_DISABLE_AFTER,
          DELIVERY_POLL_INTERVAL,
          DELIVERY_MAX_CONCURRENCY,
          RETENTION_MAX_AGE,
          RETENTION_INTERVAL,
          PROFILES_CACHE_SIZE,
          PROFILES_CACHE_EXPIRY,
          SHUTDOWN_TIMEOUT);

  /** Keys by path. */
  public static final Map<String, ConfigKey<?>> BY_PATH =
      ALL.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::path, k -> k));

  private ConfigKeys() {}

  private static <T> ConfigKey<T> key(
      String path,
      String type,
      String unit,
      String defaultValue,
      String description,
      Function<String, T> parser) {
    return new ConfigKey<>(path, type, unit, defaultValue, description, parser);
  }

  private static Function<String, String> nonEmpty() {
    return s -> {
      if (s.isBlank()) {
        throw new IllegalArgumentException("must not be empty");
      }
      return s.strip();
    };
  }

  private static Function<String, String> oneOf(String... allowed) {
    return s -> {
      if (!Arrays.asList(allowed).contains(s)) {
        throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
      }
      return s;
    };
  }

  private static Function<String, Integer> intIn(int min, int max) {
    return s -> {
      int value;
      try {
        value = Integer.parseInt(s.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be an integer from " + min + " to " + max);
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException("must be an integer from " + min + " to " + max);
      }
      return value;
    };
  }

  private static Function<String, Double> numberIn(double min, double max) {
    return s -> {
      double value;
      try {
        value = Double.parseDouble(s.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "must be a number from " + plain(min) + " to " + plain(max));
      }
      if (!(value >= min && value <= max)) {
        throw new IllegalArgumentException(
            "must be a number from " + plain(min) + " to " + plain(max));
      }
      return value;
    };
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static Function<String, Long> sizeIn(long min, long max) {
    return s -> {
      long value = DataSizes.parse(s.strip());
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            "must be from " + DataSizes.format(min) + " to " + DataSizes.format(max));
      }
      return value;
    };
  }

  private static Function<String, Duration> durationAtLeast(Duration min) {
    return s -> {
      Duration value = Durations.parse(s.strip());
      if (value.compareTo(min) < 0) {
        throw new IllegalArgumentException("must be at least " + Durations.format(min));
      }
      return value;
    };
  }

  private static Function<String, Duration> durationIn(Duration min, Duration max) {
    return s -> {
      Duration value = Durations.parse(s.strip());
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            "must be from " + Durations.format(min) + " to " + Durations.format(max));
      }
      return value;
    };
  }

  private static List<Duration> retrySchedule(String s) {
    List<Duration> waits = new java.util.ArrayList<>();
    for (String part : s.split(",")) {
      if (!part.isBlank()) {
        waits.add(Durations.parse(part.strip()));
      }
    }
    List<String> problems = dev.tripline.gateway.delivery.RetryPolicy.validateSchedule(waits);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return List.copyOf(waits);
  }

  private static List<String> trustedProxies(String s) {
    List<String> proxies =
        Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    ClientIpResolver.trusting(proxies); // throws, naming the bad entry
    return proxies;
  }
}
