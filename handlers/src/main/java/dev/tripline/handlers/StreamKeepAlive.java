package dev.tripline.handlers;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Keeps a quiet stream open and closes a dead one. Every interval the socket is sent a ping: that
 * is traffic for the server's idle timeout, and a live client answers it with a pong (browsers do
 * so by themselves, they cannot send pings of their own). When two intervals in a row pass in which
 * the socket was being read and nothing came from the client, not even a pong, the client is gone
 * and the socket is closed with 1001 (going away). Intervals in which the session paused reading
 * (backpressure) do not count: a pong cannot be read then.
 *
 * <p>Touched only on the socket's context.
 */
final class StreamKeepAlive {

  static final short GOING_AWAY = 1001;
  private static final int SILENT_INTERVALS = 2;

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final BooleanSupplier readingPaused;
  private final long timer;
  private boolean heard = true;
  private int silent;

  private StreamKeepAlive(
      Vertx vertx, ServerWebSocket ws, Duration interval, BooleanSupplier readingPaused) {
    this.vertx = vertx;
    this.ws = ws;
    this.readingPaused = readingPaused;
    this.timer = vertx.setPeriodic(interval.toMillis(), id -> tick());
  }

  /** Starts pinging {@code ws} every {@code interval}; {@link #stop()} when it closes. */
  static StreamKeepAlive start(
      Vertx vertx, ServerWebSocket ws, Duration interval, BooleanSupplier readingPaused) {
    return new StreamKeepAlive(vertx, ws, interval, readingPaused);
  }

  /** A frame (data, pong or any other) came from the client. */
  void heard() {
    heard = true;
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void tick() {
    if (heard || readingPaused.getAsBoolean()) {
      silent = 0;
    } else if (++silent >= SILENT_INTERVALS) {
      stop();
      ws.close(GOING_AWAY, "keep-alive: no answer to ping");
      return;
    }
    heard = false;
    ws.writePing(Buffer.buffer());
  }
}
