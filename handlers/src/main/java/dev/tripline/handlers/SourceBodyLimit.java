package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.OptionalInt;

/**
 * The body limit of an admitted API source ({@code max_body_size} of a {@code kind: api} source),
 * on top of {@code ingest.max-body-size}, which stays the limit the body handlers read under: a
 * declared {@code Content-Length} over it is answered 413 before the body is read ({@link
 * #admitted}), a body read over it after ({@link #afterBody}). Both count {@code too_large}.
 */
public final class SourceBodyLimit {

  private static final String LIMIT_KEY = "tripline.sourceMaxBodyBytes";
  private static final String SOURCE_KEY = "tripline.sourceOfMaxBodyBytes";

  private SourceBodyLimit() {}

  /**
   * Right after {@code source} was admitted, before the body is read: fails {@code ctx} with 413
   * when the declared length is over the source's limit, else remembers the limit for {@link
   * #afterBody}.
   *
   * @return whether the request may go on
   */
  static boolean admitted(
      RoutingContext ctx, IngestAccess access, String source, IngestObserver observer) {
    OptionalInt limit = access.maxBodyBytes(source);
    if (limit.isEmpty()) {
      return true;
    }
    long declared = JsonContentGuard.declaredLength(ctx.request());
    if (declared > limit.getAsInt()) {
      // the client is still sending: close rather than read and discard the rest of it
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      observer.rejected(RejectReason.TOO_LARGE.tag());
      ctx.fail(tooLarge(source, limit.getAsInt(), declared));
      return false;
    }
    ctx.put(LIMIT_KEY, limit.getAsInt());
    ctx.put(SOURCE_KEY, source);
    return true;
  }

  /** After the body handler: 413 when the body read is over the admitted source's limit. */
  static Handler<RoutingContext> afterBody(IngestObserver observer) {
    return ctx -> {
      Integer limit = ctx.get(LIMIT_KEY);
      int length = ctx.body().length();
      if (limit != null && length > limit) {
        observer.rejected(RejectReason.TOO_LARGE.tag());
        ctx.fail(tooLarge(ctx.get(SOURCE_KEY), limit, length));
        return;
      }
      ctx.next();
    };
  }

  /** The 413 for a body of {@code size} bytes over the limit of {@code source}. */
  public static IngestRejection tooLarge(String source, int limit, long size) {
    return new IngestRejection(
        RejectReason.TOO_LARGE,
        413,
        "body too large: must be at most "
            + limit
            + " bytes (max_body_size of source "
            + EventParser.show(source)
            + "), was "
            + size);
  }
}
