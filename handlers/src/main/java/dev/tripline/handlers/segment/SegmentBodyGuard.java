package dev.tripline.handlers.segment;

import dev.tripline.handlers.IngestObserver;
import dev.tripline.handlers.IngestRejection;
import dev.tripline.handlers.JsonContentGuard;
import dev.tripline.handlers.RejectReason;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Turns a Segment call away before its body is read when its headers already say it cannot be
 * accepted: a content type other than JSON (415), or a declared length over the route's limit (400,
 * as Segment answers an oversized call, naming the limit).
 */
final class SegmentBodyGuard implements Handler<RoutingContext> {

  private final int maxBytes;
  private final String what;
  private final IngestObserver observer;

  /**
   * @param what the route's unit for messages, e.g. {@code a batch}
   */
  SegmentBodyGuard(int maxBytes, String what, IngestObserver observer) {
    this.maxBytes = maxBytes;
    this.what = what;
    this.observer = observer;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (!isJson(contentType)) {
      reject(
          ctx,
          new IngestRejection(
              RejectReason.UNSUPPORTED_MEDIA_TYPE,
              415,
              "Content-Type: must be application/json, was "
                  + (contentType == null ? "none" : '"' + truncate(contentType) + '"')));
      return;
    }
    long declared = JsonContentGuard.declaredLength(ctx.request());
    if (declared > maxBytes) {
      // the client is still sending: close rather than read and discard the rest of it
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      reject(ctx, tooLarge(maxBytes, what, declared));
      return;
    }
    ctx.next();
  }

  /** The 400 Segment answers to an oversized call, with the limit and the size. */
  static IngestRejection tooLarge(int maxBytes, String what, long size) {
    return new IngestRejection(
        RejectReason.TOO_LARGE,
        400,
        "payload too large: "
            + what
            + " must be at most "
            + maxBytes
            + " bytes ("
            + maxBytes / 1024
            + " KiB)"
            + (size >= 0 ? ", was " + size : ""));
  }

  private void reject(RoutingContext ctx, IngestRejection rejection) {
    observer.rejected(rejection.reason().tag());
    ctx.fail(rejection);
  }

  /** {@code application/json}, with a UTF-8 charset or none. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";");
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
      if (parameter.startsWith("charset=") && !parameter.equals("charset=utf-8")) {
        return false;
      }
    }
    return true;
  }

  private static String truncate(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "..." : value;
  }
}
