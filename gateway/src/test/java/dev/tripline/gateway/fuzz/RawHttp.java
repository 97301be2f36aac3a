package dev.tripline.gateway.fuzz;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends raw bytes as an HTTP request over TCP and reads one response, for requests an HTTP client
 * library will not send (bad {@code Content-Length}, broken chunks, control characters in the path,
 * oversized headers): what the server's HTTP codec answers itself.
 */
final class RawHttp {

  private RawHttp() {}

  /** The response, or {@code status} -1 when the connection closed without one. */
  record Response(int status, String headers, byte[] body) {
    String header(String name) {
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  /** Fails when no complete response came within {@code timeoutMs} and the connection is open. */
  static Future<Response> exchange(
      Vertx vertx, NetClient client, int port, byte[] request, long timeoutMs) {
    return client
        .connect(port, "127.0.0.1")
        .compose(
            socket -> {
              Promise<Response> response = Promise.promise();
              Buffer received = Buffer.buffer();
              long timer =
                  vertx.setTimer(
                      timeoutMs,
                      id -> {
                        response.tryFail("no response within " + timeoutMs + " ms");
                        socket.close();
                      });
              socket.handler(
                  data -> {
                    received.appendBuffer(data);
                    Response complete = parse(received, false);
                    if (complete != null && response.tryComplete(complete)) {
                      vertx.cancelTimer(timer);
                      socket.close();
                    }
                  });
              socket.closeHandler(
                  v -> {
                    vertx.cancelTimer(timer);
                    Response partial = parse(received, true);
                    response.tryComplete(
                        partial != null ? partial : new Response(-1, "", new byte[0]));
                  });
              socket.write(Buffer.buffer(request));
              return response.future();
            });
  }

  /** The response in {@code received} if complete (or, once closed, whatever came). */
  private static Response parse(Buffer received, boolean closed) {
    String text = received.toString(StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return null;
    }
    String head = text.substring(0, end);
    String[] status = head.split("\r\n", 2)[0].split(" ");
    int code;
    try {
      code = Integer.parseInt(status[1]);
    } catch (RuntimeException e) {
      return closed ? new Response(-1, head, new byte[0]) : null;
    }
    byte[] body = received.getBytes(end + 4, received.length());
    Response response = new Response(code, head, body);
    String length = response.header("content-length");
    if (length != null) {
      int declared = Integer.parseInt(length);
      if (body.length < declared) {
        return closed ? response : null;
      }
      return new Response(code, head, java.util.Arrays.copyOf(body, declared));
    }
    String encoding = response.header("transfer-encoding");
    if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      return closed || text.endsWith("0\r\n\r\n") ? new Response(code, head, dechunk(body)) : null;
    }
    return closed ? response : null;
  }

  private static byte[] dechunk(byte[] body) {
    Buffer out = Buffer.buffer();
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int at = 0;
    while (true) {
      int line = text.indexOf("\r\n", at);
      if (line < 0) {
        return out.getBytes();
      }
      int size = Integer.parseInt(text.substring(at, line).split(";")[0].trim(), 16);
      if (size == 0 || line + 2 + size > body.length) {
        return out.getBytes();
      }
      out.appendBytes(body, line + 2, size);
      at = line + 2 + size + 2;
    }
  }
}
