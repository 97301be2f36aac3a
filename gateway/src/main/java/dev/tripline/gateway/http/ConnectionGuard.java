package dev.tripline.gateway.http;

import dev.tripline.handlers.ErrorHandler;
import dev.tripline.handlers.LogText;
import dev.tripline.handlers.LogThrottle;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what one client can hold of the HTTP server: a share of {@code http.max-connections}, and
 * at most {@code http.request-read-timeout} to send each request. One per server instance, confined
 * to its event loop; the count of open connections is shared by all instances ({@link Shared}).
 *
 * <p>Vert.x's idle timeout closes a connection on which nothing moves, but a client that trickles a
 * byte now and then (slowloris) would hold it for ever, and Vert.x has no timeout for reading a
 * request. So each connection carries a deadline: set when it opens and when its last response
 * ends, cleared once every request on it has been read whole, head and body. A sweep several times
 * per timeout closes the connections past their deadline, answering 408 first when a request's body
 * is being read. While a request is handled (it may wait for the store, bounded by the ingest
 * timeout) and once a connection is upgraded to a WebSocket, no deadline runs.
 *
 * <p>Install {@link #accept} as the server's connection handler, {@link #handle} as the router's
 * first route, and {@link #start()} once the server listens.
 */
public final class ConnectionGuard implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  private static final long MAX_SWEEP_MILLIS = 1000;

  /**
   * What every server instance shares: the open connections (whose count the cap applies to) and
   * the throttles of the edge's log lines, so that N instances log no more than one.
   */
  public static final class Shared {
    private final AtomicInteger open = new AtomicInteger();
    private final LogThrottle refusals = new LogThrottle(LOG_INTERVAL, System::nanoTime);
    private final LogThrottle malformed = new LogThrottle(LOG_INTERVAL, System::nanoTime);

    /** Connections open now, across the server instances. */
    public int open() {
      return open.get();
    }
  }

  private final Vertx vertx;
  private final ConnectionLimits limits;
  private final Shared shared;
  private final HttpObserver observer;
  private final CodecErrors codecErrors;
  private final Map<HttpConnection, Watch> watches = new HashMap<>();
  private long sweepTimer = -1;

  /**
   * @param options the server's options, whose codec limits the codec errors name
   */
  public ConnectionGuard(
      Vertx vertx,
      ConnectionLimits limits,
      Shared shared,
      HttpObserver observer,
      HttpServerOptions options) {
    this.vertx = vertx;
    this.limits = limits;
    this.shared = shared;
    this.observer = observer;
    this.codecErrors = new CodecErrors(options, observer, shared.malformed);
  }

  /** Starts the sweep; call on the server instance's context. */
  public void start() {
    long tick =
        Math.max(10, Math.min(MAX_SWEEP_MILLIS, limits.requestReadTimeout().toMillis() / 4));
    sweepTimer = vertx.setPeriodic(tick, id -> sweep());
  }

  /** Stops the sweep. */
  public void stop() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
      sweepTimer = -1;
    }
  }

  /** The server's invalid-request handler: the codec's refusal of a head, as JSON. */
  public Handler<HttpServerRequest> invalidRequestHandler() {
    return codecErrors::answer;
  }

  /** The server's connection handler: admits the connection under the cap, or closes it. */
  public void accept(HttpConnection connection) {
    int open = shared.open.incrementAndGet();
    closed(connection)
        .onComplete(
            v -> {
              shared.open.decrementAndGet();
              watches.remove(connection);
            });
    if (open > limits.maxConnections()) {
      observer.connectionRefused();
      long leftOut = shared.refusals.admit();
      if (leftOut >= 0) {
        LOG.warn(
            "refuse connection, http.max-connections open [max: {}, client: {}, similar lines left"
                + " out: {}]",
            limits.maxConnections(),
            connection.remoteAddress() == null ? "-" : connection.remoteAddress().hostAddress(),
            leftOut);
      }
      connection.close();
      return;
    }
    Watch watch = new Watch(connection);
    watch.arm();
    watches.put(connection, watch);
    connection.exceptionHandler(failure -> failed(watch, failure));
  }

  /** The router's first route: follows each request until it is read and answered. */
  @Override
  public void handle(RoutingContext ctx) {
    Watch watch = watches.get(ctx.request().connection());
    if (watch != null) {
      watch.started(ctx);
    }
    ctx.next();
  }

  private void failed(Watch watch, Throwable failure) {
    if (watch.reading != null && CodecErrors.isCodecFailure(failure)) {
      // the body handler fails the request with this too: it is logged here, not as a bug there
      watch.reading.put(ErrorHandler.UNREADABLE_REQUEST, failure);
    }
    codecErrors.failed(watch.connection.remoteAddress(), failure);
  }

  private void sweep() {
    long now = System.nanoTime();
    List<Watch> late = new ArrayList<>();
    for (Watch watch : watches.values()) {
      if (watch.armed && now - watch.deadline >= 0) {
        late.add(watch);
      }
    }
    late.forEach(this::expire);
  }

  private void expire(Watch watch) {
    watch.armed = false;
    observer.requestTimedOut();
    LOG.debug(
        "close connection, request not read in time [client: {}, path: {}, timeout: {}ms]",
        watch.connection.remoteAddress() == null
            ? "-"
            : watch.connection.remoteAddress().hostAddress(),
        watch.reading == null ? "-" : LogText.escape(watch.reading.request().path()),
        limits.requestReadTimeout().toMillis());
    HttpServerResponse response = watch.reading == null ? null : watch.reading.response();
    if (response == null || response.headWritten() || response.closed()) {
      watch.connection.close();
      return;
    }
    response
        .setStatusCode(408)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(
            new JsonObject()
                .put(
                    "error",
                    "request timeout: the request must arrive whole within "
                        + limits.requestReadTimeout().toMillis()
                        + "ms")
                .toBuffer())
        .onComplete(ar -> watch.connection.close());
  }

  /**
   * Completes when the connection closes. {@link HttpConnection#closeHandler} is not called for a
   * connection that was upgraded to a WebSocket, whose channel closes later: its close future is.
   */
  private static Future<Void> closed(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      return base.closeFuture();
    }
    Promise<Void> closed = Promise.promise();
    connection.closeHandler(closed::tryComplete);
    return closed.future();
  }

  /** One connection's requests: how many are being read or awaiting their answer, and when. */
  private final class Watch {
    final HttpConnection connection;
    int unread;
    int unanswered;
    boolean armed;
    long deadline;

    /** The latest request whose body is still being read, for the 408. */
    RoutingContext reading;

    Watch(HttpConnection connection) {
      this.connection = connection;
    }

    void arm() {
      armed = true;
      deadline = System.nanoTime() + limits.requestReadTimeout().toNanos();
    }

    void started(RoutingContext ctx) {
      unread++;
      unanswered++;
      reading = ctx;
      if (!armed) {
        arm(); // another request on a connection whose deadline had been cleared (HTTP/2)
      }
      ctx.request().end().onComplete(v -> read(ctx));
      ctx.addEndHandler(v -> answered());
    }

    private void read(RoutingContext ctx) {
      unread--;
      if (reading == ctx) {
        reading = null;
      }
      if (unread == 0) {
        if (unanswered == 0) {
          arm(); // answered before it was read whole (413): wait for the next request
        } else {
          armed = false; // handling it is bounded by the ingest timeout, not by this one
        }
      }
    }

    private void answered() {
      unanswered--;
      if (unread == 0 && unanswered == 0) {
        arm();
      }
    }
  }
}
