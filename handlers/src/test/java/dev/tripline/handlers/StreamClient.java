package dev.tripline.handlers;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A connected client socket of the stream tests: its text messages in arrival order, and the close
 * status it saw.
 */
final class StreamClient {

  private final WebSocket ws;
  private final List<String> messages = new ArrayList<>();
  private final Promise<String> closed = Promise.promise();
  private Promise<Void> waiter;
  private int awaited;

  private StreamClient(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(this::add);
    ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode() + " " + ws.closeReason()));
  }

  /**
   * Connects to {@code path} on 127.0.0.1.
   *
   * @param authorization the upgrade's {@code Authorization} header, or {@code null}
   */
  static StreamClient connect(WebSocketClient client, int port, String path, String authorization)
      throws Exception {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path);
    if (authorization != null) {
      options.addHeader("Authorization", authorization);
    }
    // handlers are set on the event loop as the socket opens: no message can come before them
    return await(client.connect(options).map(StreamClient::new));
  }

  private synchronized void add(String text) {
    messages.add(text);
    if (waiter != null && messages.size() >= awaited) {
      waiter.complete();
      waiter = null;
    }
  }

  StreamClient send(String text) {
    ws.writeTextMessage(text);
    return this;
  }

  /** Sends one raw frame: a fragment, or a frame the text API could not build. */
  StreamClient sendFrame(WebSocketFrame frame) {
    ws.writeFrame(frame);
    return this;
  }

  /** The {@code n}th message (1-based), once it arrived. */
  String message(int n) throws Exception {
    Future<Void> arrived;
    synchronized (this) {
      if (messages.size() >= n) {
        return messages.get(n - 1);
      }
      awaited = n;
      waiter = Promise.promise();
      arrived = waiter.future();
    }
    await(arrived);
    synchronized (this) {
      return messages.get(n - 1);
    }
  }

  JsonObject json(int n) throws Exception {
    return new JsonObject(message(n));
  }

  /** The messages received so far. */
  synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  /** The close status and reason, once closed. */
  String closed() throws Exception {
    return await(closed.future());
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
