package dev.tripline.handlers;

/**
 * A client error in an ingest request, tagged with the {@link RejectReason} it is counted under, so
 * that the HTTP and the WebSocket paths report the same reasons from the same checks.
 */
public final class IngestRejection extends HttpException {

  private final RejectReason reason;

  public IngestRejection(RejectReason reason, int status, String message) {
    this(reason, status, message, null, null);
  }

  public IngestRejection(
      RejectReason reason, int status, String message, String field, Integer index) {
    super(status, message, field, index);
    this.reason = reason;
  }

  /** Wraps a validation error (e.g. from {@link EventParser}) under a reason. */
  public static IngestRejection of(RejectReason reason, HttpException error) {
    return new IngestRejection(
        reason, error.status(), error.getMessage(), error.field(), error.index());
  }

  /** What this rejection is counted as. */
  public RejectReason reason() {
    return reason;
  }

  @Override
  public IngestRejection atIndex(int index) {
    return new IngestRejection(reason, status(), getMessage(), field(), index);
  }
}
