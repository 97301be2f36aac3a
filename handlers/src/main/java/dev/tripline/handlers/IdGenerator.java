package dev.tripline.handlers;

import java.security.SecureRandom;
import java.time.InstantSource;

/**
 * Makes ids for events whose sender gave none. Injected so tests can predict ids.
 *
 * <p>The default ids are time-ordered (so stored events sort roughly by arrival and index locality
 * stays good) and carry 80 random bits (so gateways need no coordination to stay unique).
 */
@FunctionalInterface
public interface IdGenerator {

  /** A new, unique id. Called on the event loop: must not block. */
  String newId();

  /**
   * ULID-style ids: {@code evt_} + 26 Crockford base32 characters, 48 bits of milliseconds from
   * {@code clock} followed by 80 random bits.
   */
  static IdGenerator timeOrdered(InstantSource clock) {
    return new TimeOrderedIdGenerator(clock, new SecureRandom());
  }
}
