package dev.tripline.gateway;

import dev.tripline.gateway.config.GatewayConfig;
import dev.tripline.gateway.http.ConnectionGuard;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server verticles: one per core by default, sharing one port (Vert.x balances connections
 * across them). The first instance binds the configured port, which may be 0; the others bind the
 * port it got, so that sharing works whatever the configured value. They share one count of open
 * connections, which {@code http.max-connections} caps.
 */
final class HttpServers {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final HttpVerticle.Collaborators collaborators;
  private final List<String> deployments = new ArrayList<>();
  private final AtomicInteger port = new AtomicInteger();
  private final ConnectionGuard.Shared connections = new ConnectionGuard.Shared();

  HttpServers(Vertx vertx, HttpVerticle.Collaborators collaborators) {
    this.vertx = vertx;
    this.config = collaborators.config();
    this.collaborators = collaborators;
    collaborators.metrics().openConnections(connections::open);
  }

  Future<Void> start() {
    int instances =
        config.http().instances() == 0
            ? Runtime.getRuntime().availableProcessors()
            : config.http().instances();
    int bindPort = config.http().port() == 0 ? -1 : config.http().port();
    return vertx
        .deployVerticle(
            () -> new HttpVerticle(collaborators, connections, bindPort, port::set),
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
