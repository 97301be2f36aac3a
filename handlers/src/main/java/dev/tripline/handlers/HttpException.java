package dev.tripline.handlers;

/**
 * A failure that carries the HTTP status and the JSON error body to answer with. The one failure
 * handler ({@link ErrorHandler}) turns it into {@code {"error": ..., "field": ..., "index": ...}}.
 */
public class HttpException extends RuntimeException {

  private final int status;
  private final String field;
  private final Integer index;

  public HttpException(int status, String message) {
    this(status, message, null, null);
  }

  public HttpException(int status, String message, String field, Integer index) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
    this.index = index;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }

  /** The offending field path (e.g. {@code geo.lat}), or {@code null}. */
  public String field() {
    return field;
  }

  /** The index of the offending event within a batch, or {@code null}. */
  public Integer index() {
    return index;
  }

  /** The same error located at a batch index. */
  public HttpException atIndex(int index) {
    return new HttpException(status, getMessage(), field, index);
  }
}
