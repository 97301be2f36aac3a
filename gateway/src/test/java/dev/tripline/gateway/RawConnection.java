package dev.tripline.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A raw TCP connection to the gateway, for what no HTTP client sends: partial heads, trickled
 * bytes, malformed request lines, bad chunk sizes. Collects every byte the server sends and
 * completes {@link #closed()} when the connection closes.
 */
final class RawConnection {

  private final NetClient client;
  private final NetSocket socket;
  private final Promise<Void> closed = Promise.promise();
  private Buffer received = Buffer.buffer();
  private Promise<String> waiting;

  private RawConnection(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.handler(
        bytes -> {
          received.appendBuffer(bytes);
          deliver();
        });
    socket.closeHandler(
        v -> {
          closed.tryComplete();
          if (waiting != null) {
            waiting.tryFail("closed after " + text());
          }
        });
  }

  static Future<RawConnection> open(Vertx vertx, int port) {
    // connect from an event loop, so that the handlers are set before the socket's first event
    // (the server may close it at once): from the test thread, they could miss it
    Promise<RawConnection> opened = Promise.promise();
    vertx.runOnContext(
        v -> {
          NetClient client = vertx.createNetClient();
          client
              .connect(port, "127.0.0.1")
              .map(socket -> new RawConnection(client, socket))
              .onComplete(opened);
        });
    return opened.future();
  }

  Future<Void> write(String text) {
    return socket.write(Buffer.buffer(text.getBytes(StandardCharsets.ISO_8859_1)));
  }

  Future<Void> write(Buffer bytes) {
    return socket.write(bytes);
  }

  /** Completes when the connection is closed, by either side. */
  Future<Void> closed() {
    return closed.future();
  }

  /** Everything received so far, and not yet taken by {@link #response()}. */
  String text() {
    return received.toString(StandardCharsets.UTF_8);
  }

  /** The next whole response (head and {@code content-length} body), as text. */
  Future<String> response() {
    waiting = Promise.promise();
    Future<String> next = waiting.future();
    deliver();
    if (closed.future().isComplete() && waiting != null) {
      waiting.tryFail("closed after " + text());
    }
    return next;
  }

  Future<Void> close() {
    return socket.close().eventually(client::close);
  }

  private void deliver() {
    if (waiting == null) {
      return;
    }
    String text = received.toString(StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      return;
    }
    int length = 0;
    for (String line : text.substring(0, headEnd).split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    int end = headEnd + 4 + length;
    if (received.length() < end) {
      return;
    }
    String response = received.getString(0, end, "UTF-8");
    received = received.getBuffer(end, received.length());
    Promise<String> done = waiting;
    waiting = null;
    done.complete(response);
  }
}
