package dev.tripline.handlers;

import dev.tripline.handlers.access.IngestAccess;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Admits an API request before its body is read: a write key when keys are configured (401
 * otherwise), then the rate limits (429). The source the key is bound to is left in the context for
 * the handler that attributes the events ({@link #BOUND_SOURCE}); with open access nothing is.
 */
final class WriteKeyGuard implements Handler<RoutingContext> {

  /** Context key of the source a presented write key is bound to; absent with open access. */
  static final String BOUND_SOURCE = "tripline.boundSource";

  private final IngestAccess access;
  private final ClientIpResolver clientIps;
  private final IngestObserver observer;

  WriteKeyGuard(IngestAccess access, ClientIpResolver clientIps, IngestObserver observer) {
    this.access = access;
    this.clientIps = clientIps;
    this.observer = observer;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String source;
    try {
      source =
          CountedAdmission.admit(
              access,
              observer,
              IngestAccess.presentedKey(ctx.request()),
              clientIps.resolve(ctx.request()),
              EventParser.DEFAULT_SOURCE);
    } catch (HttpException e) {
      ctx.fail(e);
      return;
    }
    if (!SourceBodyLimit.admitted(ctx, access, source, observer)) {
      return;
    }
    if (access.keyRequired()) {
      ctx.put(BOUND_SOURCE, source);
    }
    ctx.next();
  }
}
