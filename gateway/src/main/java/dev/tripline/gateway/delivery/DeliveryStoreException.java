package dev.tripline.gateway.delivery;

/** The outbox could not be read or written; the delivery state is as it was before the call. */
public class DeliveryStoreException extends RuntimeException {

  public DeliveryStoreException(String message, Throwable cause) {
    super(message + ": " + cause.getMessage(), cause);
  }
}
