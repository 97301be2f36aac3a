package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import dev.tripline.handlers.hooks.HookSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Starts the ingest routes on a real HTTP server on a free port. */
final class TestServers {

  static final Instant NOW = Instant.parse("2026-11-21T10:30:00Z");

  /** Small limits so that limit tests need small bodies. */
  static final IngestLimits LIMITS =
      IngestLimits.defaults()
          .withMaxBodyBytes(4096)
          .withMaxBatchEvents(3)
          .withMaxFramesInFlight(2)
          .withIngestTimeout(Duration.ofSeconds(5));

  private TestServers() {}

  /** A generator whose ids the tests can predict. */
  static IdGenerator countingIds() {
    AtomicInteger next = new AtomicInteger();
    return () -> "evt_test_" + next.incrementAndGet();
  }

  /**
   * @return the port
   */
  static Future<Integer> start(
      Vertx vertx,
      IngestService service,
      IngestLimits limits,
      ClientIpResolver clientIps,
      IngestObserver observer) {
    return listen(vertx, service, limits, clientIps, observer).map(HttpServer::actualPort);
  }

  static Future<HttpServer> listen(
      Vertx vertx,
      IngestService service,
      IngestLimits limits,
      ClientIpResolver clientIps,
      IngestObserver observer) {
    return listen(
        vertx,
        service,
        limits,
        clientIps,
        observer,
        IngestAccess.open(),
        StreamAuth.DEFAULTS,
        List.of());
  }

  /** Every ingest route (events, CloudEvents, streams) behind {@code access}. */
  static Future<HttpServer> listen(
      Vertx vertx,
      IngestService service,
      IngestLimits limits,
      ClientIpResolver clientIps,
      IngestObserver observer,
      IngestAccess access,
      StreamAuth auth) {
    return listen(vertx, service, limits, clientIps, observer, access, auth, List.of());
  }

  /** The ingest routes with write keys and rate limits, and the given webhook sources. */
  static Future<HttpServer> listen(
      Vertx vertx,
      IngestService service,
      IngestLimits limits,
      ClientIpResolver clientIps,
      IngestObserver observer,
      IngestAccess access,
      List<HookSource> hooks) {
    return listen(vertx, service, limits, clientIps, observer, access, StreamAuth.DEFAULTS, hooks);
  }

  /**
   * Every ingest route behind {@code access}, with the stream's auth limits and webhook sources.
   */
  static Future<HttpServer> listen(
      Vertx vertx,
      IngestService service,
      IngestLimits limits,
      ClientIpResolver clientIps,
      IngestObserver observer,
      IngestAccess access,
      StreamAuth auth,
      List<HookSource> hooks) {
    Router router = Router.router(vertx);
    InstantSource clock = InstantSource.fixed(NOW);
    IdGenerator ids = countingIds();
    IngestWiring wiring =
        new IngestWiring(vertx, service, limits, clientIps, observer, clock, ids, access);
    new CloudEventsRoutes(wiring).mount(router);
    new StreamRoutes(wiring, auth, StreamRoutes.DEFAULT_KEEP_ALIVE).mount(router);
    IngestRoutes routes = new IngestRoutes(wiring);
    routes.mount(router);
    routes.mountHooks(router, hooks);
    return vertx
        .createHttpServer(limits.applyTo(new HttpServerOptions()))
        .requestHandler(router)
        .listen(0, "127.0.0.1");
  }
}
