package dev.tripline.gateway.store;

/**
 * The event store could not do what was asked (unreachable, timed out, rejected the write). The
 * driver's exception is kept as the cause for the one log line at the boundary.
 */
public final class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
