package dev.tripline.gateway.fuzz;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client on a plain TCP socket, for what a proper client library refuses to send:
 * invalid UTF-8 in text frames, fragments of any shape, unmasked and reserved frames. It reads the
 * server's messages and its close code (1006 when the TCP connection ends without a close frame).
 * Not thread-safe: use it from one context.
 */
final class RawWebSocket {

  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CONTINUATION = 0x0;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;
  static final int NO_CLOSE_FRAME = 1006;

  private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

  /** One frame as the client sends it. */
  record Frame(int opcode, boolean fin, int rsv, byte[] payload, boolean masked) {
    static Frame text(byte[] payload) {
      return new Frame(TEXT, true, 0, payload, true);
    }

    static Frame text(String payload) {
      return text(payload.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final NetSocket socket;
  private final Promise<Integer> closed = Promise.promise();
  private Buffer pending = Buffer.buffer();
  private Buffer message;
  private Handler<String> onMessage = text -> {};

  private RawWebSocket(NetSocket socket) {
    this.socket = socket;
  }

  /** Upgrades to a WebSocket on {@code /v1/stream}, with an Authorization header unless null. */
  static Future<RawWebSocket> connect(NetClient client, int port, String authorization) {
    return client
        .connect(port, "127.0.0.1")
        .compose(
            socket -> {
              Promise<RawWebSocket> upgraded = Promise.promise();
              Buffer head = Buffer.buffer();
              socket.handler(
                  data -> {
                    head.appendBuffer(data);
                    String text = head.toString(StandardCharsets.ISO_8859_1);
                    int end = text.indexOf("\r\n\r\n");
                    if (end < 0) {
                      return;
                    }
                    if (!text.startsWith("HTTP/1.1 101")) {
                      socket.close();
                      upgraded.tryFail("upgrade refused: " + text.lines().findFirst().orElse(""));
                      return;
                    }
                    RawWebSocket ws = new RawWebSocket(socket);
                    socket.handler(ws::read);
                    socket.closeHandler(v -> ws.closed.tryComplete(NO_CLOSE_FRAME));
                    upgraded.tryComplete(ws);
                    ws.read(head.getBuffer(end + 4, head.length()));
                  });
              socket.closeHandler(v -> upgraded.tryFail("connection closed during the upgrade"));
              String request =
                  "GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1:"
                      + port
                      + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                      + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                      + "\r\n";
              socket.write(request);
              return upgraded.future();
            });
  }

  /** Text messages from the server, reassembled from their fragments. */
  RawWebSocket messageHandler(Handler<String> handler) {
    this.onMessage = handler;
    return this;
  }

  /** Completes with the server's close code once the connection is closed. */
  Future<Integer> closed() {
    return closed.future();
  }

  boolean isClosed() {
    return closed.future().isComplete();
  }

  Future<Void> send(Frame frame) {
    int length = frame.payload().length;
    Buffer out = Buffer.buffer(length + 14);
    out.appendByte((byte) ((frame.fin() ? 0x80 : 0) | (frame.rsv() << 4) | frame.opcode()));
    int maskBit = frame.masked() ? 0x80 : 0;
    if (length < 126) {
      out.appendByte((byte) (maskBit | length));
    } else if (length <= 0xffff) {
      out.appendByte((byte) (maskBit | 126)).appendShort((short) length);
    } else {
      out.appendByte((byte) (maskBit | 127)).appendLong(length);
    }
    byte[] payload = frame.payload().clone();
    if (frame.masked()) {
      out.appendBytes(MASK);
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= MASK[i % 4];
      }
    }
    out.appendBytes(payload);
    return socket.write(out);
  }

  /** Sends a close frame (1000) and ends the connection. */
  Future<Void> close() {
    if (isClosed()) {
      return Future.succeededFuture();
    }
    byte[] normal = {0x03, (byte) 0xe8};
    return send(new Frame(CLOSE, true, 0, normal, true))
        .transform(v -> socket.close())
        .onComplete(v -> closed.tryComplete(1000));
  }

  private void read(Buffer data) {
    pending.appendBuffer(data);
    while (true) {
      if (pending.length() < 2) {
        return;
      }
      int b0 = pending.getUnsignedByte(0);
      int b1 = pending.getUnsignedByte(1);
      int offset = 2;
      long length = b1 & 0x7f;
      if (length == 126) {
        if (pending.length() < 4) {
          return;
        }
        length = pending.getUnsignedShort(2);
        offset = 4;
      } else if (length == 127) {
        if (pending.length() < 10) {
          return;
        }
        length = pending.getLong(2);
        offset = 10;
      }
      if (pending.length() < offset + length) {
        return;
      }
      Buffer payload = pending.getBuffer(offset, (int) (offset + length));
      pending = pending.getBuffer((int) (offset + length), pending.length());
      frame(b0 & 0x0f, (b0 & 0x80) != 0, payload);
    }
  }

  private void frame(int opcode, boolean fin, Buffer payload) {
    switch (opcode) {
      case TEXT, BINARY -> message = payload.copy();
      case CONTINUATION -> {
        if (message != null) {
          message.appendBuffer(payload);
        }
      }
      case CLOSE -> {
        closed.tryComplete(payload.length() >= 2 ? payload.getUnsignedShort(0) : 1005);
        socket.close();
        return;
      }
      case PING -> {
        send(new Frame(PONG, true, 0, payload.getBytes(), true));
        return;
      }
      default -> {
        return;
      }
    }
    if (fin && message != null) {
      String text = message.toString(StandardCharsets.UTF_8);
      message = null;
      onMessage.handle(text);
    }
  }
}
