package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.Objects;

/**
 * What every ingest route class ({@link IngestRoutes}, {@link StreamRoutes}, {@link
 * CloudEventsRoutes}, {@link dev.tripline.handlers.segment.SegmentRoutes}) is built from. The
 * composition root builds one and hands it to each.
 *
 * @param vertx the Vert.x instance the routes run on
 * @param service where admitted events go
 * @param limits the ingest limits (body size, batch size, depth, clock skew, in-flight frames)
 * @param clientIps resolves the client address behind trusted proxies
 * @param observer what the routes report for metrics
 * @param clock the gateway clock: {@code receivedAt} of every event and ingest latency
 * @param ids makes ids for events that come without one (see {@link
 *     IdGenerator#timeOrdered(InstantSource)})
 * @param access write keys and rate limits, shared by every server instance ({@link
 *     IngestAccess#open()} for none)
 */
public record IngestWiring(
    Vertx vertx,
    IngestService service,
    IngestLimits limits,
    ClientIpResolver clientIps,
    IngestObserver observer,
    InstantSource clock,
    IdGenerator ids,
    IngestAccess access) {

  public IngestWiring {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(clientIps, "clientIps");
    Objects.requireNonNull(observer, "observer");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(access, "access");
  }

  /** A new parser under these limits' clock skew, making missing ids with {@link #ids()}. */
  public EventParser newParser() {
    return new EventParser(limits.maxClockSkew(), ids);
  }

  /** A new ingest step that applies the ingest timeout and reports to the observer. */
  public GuardedIngest newIngest() {
    return new GuardedIngest(vertx, service, limits, observer, clock);
  }
}
