package dev.tripline.gateway;

import dev.tripline.gateway.admin.AdminRoutes;
import dev.tripline.gateway.config.GatewayConfig;
import dev.tripline.gateway.metrics.GatewayMetrics;
import dev.tripline.handlers.IngestService;
import dev.tripline.handlers.segment.Profiles;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server verticles: one per core by default, sharing one port (Vert.x balances connections
 * across them). The first instance binds the configured port, which may be 0; the others bind the
 * port it got, so that sharing works whatever the configured value.
 */
final class HttpServers {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final HttpVerticle.Collaborators collaborators;
  private final List<String> deployments = new ArrayList<>();
  private final AtomicInteger port = new AtomicInteger();

  HttpServers(
      Vertx vertx,
      GatewayConfig config,
      PrometheusMeterRegistry registry,
      IngestService ingest,
      GatewayMetrics metrics,
      MongoClient mongo,
      Optional<AdminRoutes> admin,
      Profiles profiles) {
    this.vertx = vertx;
    this.config = config;
    this.collaborators =
        new HttpVerticle.Collaborators(config, registry, ingest, metrics, mongo, admin, profiles);
  }

  Future<Void> start() {
    int instances =
        config.http().instances() == 0
            ? Runtime.getRuntime().availableProcessors()
            : config.http().instances();
    int bindPort = config.http().port() == 0 ? -1 : config.http().port();
    return vertx
        .deployVerticle(
            () -> new HttpVerticle(collaborators, bindPort, port::set),
            new DeploymentOptions().setInstances(instances))
        .onSuccess(deployments::add)
        .mapEmpty();
  }

  int port() {
    return port.get();
  }

  /** Stops accepting: closes every server verticle. */
  Future<Void> stop() {
    List<Future<Void>> undeployed = new ArrayList<>();
    for (String id : deployments) {
      undeployed.add(vertx.undeploy(id));
    }
    return Future.all(undeployed).mapEmpty();
  }
}
