package dev.tripline.gateway.delivery;

/**
 * An attempt was not sent because its destination resolved to an address the {@link AddressGuard}
 * refuses. The message names the address, its class and the host, never the URL's path or query.
 */
public final class RefusedAddressException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RefusedAddressException(String message) {
    super(message, null, false, false);
  }
}
