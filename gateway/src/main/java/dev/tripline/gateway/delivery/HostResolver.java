package dev.tripline.gateway.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.List;

/**
 * Resolves a destination's host name to the addresses the {@link AddressGuard} judges and the
 * {@link Deliverer} connects to. Tests substitute a stub; the default asks the JDK's resolver on a
 * worker thread, never on an event loop.
 */
@FunctionalInterface
public interface HostResolver {

  /** Every address the host name (or IP literal) resolves to; fails if it resolves to none. */
  Future<List<InetAddress>> resolve(String host);

  /** The JDK's resolver (with its cache), run on Vert.x's worker pool. */
  static HostResolver system(Vertx vertx) {
    return host -> vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false);
  }
}
