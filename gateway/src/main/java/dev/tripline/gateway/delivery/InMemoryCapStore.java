package dev.tripline.gateway.delivery;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Frequency-cap windows in memory, for rule tests ({@code tripline test}) and unit tests: the same
 * decisions as the live path, no I/O, so every future is already complete. Not bounded beyond
 * {@link #deleteExpired}: the live gateway keeps its windows in MongoDB ({@link MongoCapStore}).
 * Thread-safe.
 */
public final class InMemoryCapStore implements CapStore {

  private record WindowKey(String destination, String per, Object subject) {}

  private record Window(List<CapSend> sends, Instant expiresAt) {}

  private final Map<WindowKey, Window> windows = new HashMap<>();

  /** {@link #admit}, answered directly. */
  public synchronized CapDecision admitNow(
      String destination, FrequencyCap cap, Object subject, String deliveryId, Instant at) {
    WindowKey key = new WindowKey(destination, cap.per(), subject);
    Window window = windows.get(key);
    CapDecision decision = cap.decide(window == null ? List.of() : window.sends(), deliveryId, at);
    if (decision.changed()) {
      List<CapSend> sends = decision.window();
      windows.put(key, new Window(sends, sends.get(sends.size() - 1).at().plus(cap.within())));
    }
    return decision;
  }

  @Override
  public Future<CapDecision> admit(
      String destination, FrequencyCap cap, Object subject, String deliveryId, Instant at) {
    return Future.succeededFuture(admitNow(destination, cap, subject, deliveryId, at));
  }

  @Override
  public synchronized Future<Long> deleteExpired(Instant now) {
    int before = windows.size();
    windows.values().removeIf(window -> !window.expiresAt().isAfter(now));
    return Future.succeededFuture((long) (before - windows.size()));
  }
}
