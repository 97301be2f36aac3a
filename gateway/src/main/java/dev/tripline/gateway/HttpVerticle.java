package dev.tripline.gateway;

import dev.tripline.gateway.admin.AdminRoutes;
import dev.tripline.gateway.config.GatewayConfig;
import dev.tripline.gateway.http.ConnectionGuard;
import dev.tripline.gateway.metrics.GatewayMetrics;
import dev.tripline.handlers.ClientIpResolver;
import dev.tripline.handlers.CloudEventsRoutes;
import dev.tripline.handlers.HealthHandler;
import dev.tripline.handlers.IdGenerator;
import dev.tripline.handlers.IngestLimits;
import dev.tripline.handlers.IngestRoutes;
import dev.tripline.handlers.IngestService;
import dev.tripline.handlers.IngestWiring;
import dev.tripline.handlers.ReadinessHandler;
import dev.tripline.handlers.StreamRoutes;
import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.handlers.hooks.HookSource;
import dev.tripline.handlers.segment.Profiles;
import dev.tripline.handlers.segment.SegmentRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/** One HTTP server instance: binds the port and hands requests to the router. Thin by design. */
final class HttpVerticle extends VerticleBase {

  private static final Duration READINESS_TIMEOUT = Duration.ofSeconds(2);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * What every instance shares: the configuration and the long-lived collaborators, among them the
   * one {@link IngestAccess} (write keys and rate limits) every ingest route admits requests with,
   * and the configured webhook sources.
   */
  record Collaborators(
      GatewayConfig config,
      PrometheusMeterRegistry registry,
      IngestService ingest,
      GatewayMetrics metrics,
      MongoClient mongo,
      Optional<AdminRoutes> admin,
      Profiles profiles,
      IngestAccess access,
      List<HookSource> hooks) {}

  private final Collaborators with;
  private final ConnectionGuard.Shared connections;
  private final int bindPort;
  private final IntConsumer boundPort;
  private HttpServer server;
  private ConnectionGuard guard;

  HttpVerticle(
      Collaborators with, ConnectionGuard.Shared connections, int bindPort, IntConsumer boundPort) {
    this.with = with;
    this.connections = connections;
    this.bindPort = bindPort;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    GatewayConfig config = with.config();
    IngestLimits limits =
        new IngestLimits(
            (int) config.ingest().maxBodyBytes(),
            config.ingest().maxBatchEvents(),
            config.ingest().maxJsonDepth(),
            config.ingest().maxClockSkew(),
            config.ingest().maxFramesInFlight(),
            config.ingest().retryAfter(),
            IngestLimits.DEFAULT_INGEST_TIMEOUT);
    InstantSource clock = InstantSource.system();
    ClientIpResolver clientIps = ClientIpResolver.trusting(config.http().trustedProxies());
    MetricsObservers.Ingest ingestObserver = new MetricsObservers.Ingest(with.metrics());
    HttpServerOptions options =
        config.http().connections().applyTo(limits.applyTo(new HttpServerOptions()));
    guard =
        new ConnectionGuard(
            vertx,
            config.http().connections(),
            connections,
            new MetricsObservers.Http(with.metrics()),
            options);
    Router router = Router.router(vertx);
    router.route().handler(guard); // first: it follows every request until read and answered
    router.get("/health").handler(new HealthHandler());
    router
        .get("/ready")
        .handler(
            new ReadinessHandler(
                () -> with.mongo().runCommand("ping", new JsonObject().put("ping", 1)).mapEmpty(),
                READINESS_TIMEOUT));
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", PROMETHEUS_TEXT)
                    .end(with.registry().scrape()));
    IngestWiring wiring =
        new IngestWiring(
            vertx,
            with.ingest(),
            limits,
            clientIps,
            ingestObserver,
            clock,
            IdGenerator.timeOrdered(clock),
            with.access());
    // before IngestRoutes: CloudEvents content types on /v1/events are taken by these routes
    new CloudEventsRoutes(wiring).mount(router);
    new StreamRoutes(wiring, streamKeepAlive(config.http().connections().idleTimeout()))
        .mount(router);
    IngestRoutes ingest = new IngestRoutes(wiring);
    ingest.mount(router);
    ingest.mountHooks(router, with.hooks());
    new SegmentRoutes(wiring, with.profiles()).mount(router);
    with.admin().ifPresent(admin -> admin.mount(router));
    return vertx
        .createHttpServer(options)
        .connectionHandler(guard::accept)
        .invalidRequestHandler(guard.invalidRequestHandler())
        .requestHandler(router)
        .listen(bindPort, config.http().host())
        .onSuccess(
            bound -> {
              server = bound;
              guard.start();
              boundPort.accept(bound.actualPort());
            });
  }

  /**
   * Stops accepting connections and lets in-flight requests finish (they wait for durability, so
   * the write queue must still be running), up to {@code shutdown.timeout}.
   */
  @Override
  public Future<?> stop() {
    if (guard != null) {
      guard.stop();
    }
    return server == null
        ? Future.succeededFuture()
        : server.shutdown(with.config().shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Half the idle timeout, so that a quiet stream is pinged twice before the timeout could close
   * it; SockJS's own heartbeat interval when there is no idle timeout.
   */
  static Duration streamKeepAlive(Duration idleTimeout) {
    if (idleTimeout.isZero()) {
      return StreamRoutes.DEFAULT_KEEP_ALIVE;
    }
    Duration half = idleTimeout.dividedBy(2);
    return half.toMillis() < 1 ? Duration.ofMillis(1) : half;
  }
}
