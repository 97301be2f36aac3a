package dev.tripline.handlers;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Turns away a request before its body is read when its headers already say it cannot be accepted:
 * a content type other than JSON (415), or a declared length over the limit (413, naming the
 * limit). Reading a body only to reject it would waste the bandwidth and memory the limit protects.
 */
public final class JsonContentGuard implements Handler<RoutingContext> {

  private final long maxBodyBytes;
  private final IngestObserver observer;

  JsonContentGuard(long maxBodyBytes, IngestObserver observer) {
    this.maxBodyBytes = maxBodyBytes;
    this.observer = observer;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (!isJson(contentType)) {
      reject(
          ctx,
          new IngestRejection(
              RejectReason.UNSUPPORTED_MEDIA_TYPE,
              415,
              "Content-Type: must be application/json (charset utf-8), was "
                  + EventParser.show(contentType)));
      return;
    }
    long declared = declaredLength(request);
    if (declared > maxBodyBytes) {
      // the client is still sending: close rather than read and discard the rest of it
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      reject(
          ctx,
          new IngestRejection(
              RejectReason.TOO_LARGE,
              413,
              "body too large: must be at most maxBodyBytes "
                  + maxBodyBytes
                  + " bytes, was "
                  + declared));
      return;
    }
    ctx.next();
  }

  private void reject(RoutingContext ctx, IngestRejection rejection) {
    observer.rejected(rejection.reason().tag());
    ctx.fail(rejection);
  }

  /** {@code application/json}, optionally with a UTF-8 charset, which is what RFC 8259 allows. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";");
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim();
      int eq = parameter.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = parameter.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = parameter.substring(eq + 1).trim().replace("\"", "");
      if (name.equals("charset") && !value.equalsIgnoreCase("utf-8")) {
        return false;
      }
    }
    return true;
  }

  /**
   * The request's declared {@code Content-Length}, or -1 when it declares none (a chunked body).
   */
  public static long declaredLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1; // Vert.x's HTTP codec rejects a malformed Content-Length before we get here
    }
  }
}
