package dev.tripline.handlers;

import java.time.InstantSource;
import java.util.Random;

/** ULID-style ids; see {@link IdGenerator#timeOrdered(InstantSource)}. */
final class TimeOrderedIdGenerator implements IdGenerator {

  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private final InstantSource clock;
  private final Random random;

  TimeOrderedIdGenerator(InstantSource clock, Random random) {
    this.clock = clock;
    this.random = random;
  }

  @Override
  public String newId() {
    long millis = clock.millis() & 0xFFFF_FFFF_FFFFL;
    byte[] noise = new byte[10];
    random.nextBytes(noise);
    long hi = 0; // top 40 random bits
    long lo = 0; // bottom 40 random bits
    for (int i = 0; i < 5; i++) {
      hi = (hi << 8) | (noise[i] & 0xFF);
      lo = (lo << 8) | (noise[i + 5] & 0xFF);
    }
    char[] out = new char[4 + 26];
    "evt_".getChars(0, 4, out, 0);
    // 48 time bits -> 10 characters (the first holds only 3 bits)
    for (int i = 9; i >= 0; i--) {
      out[4 + i] = CROCKFORD[(int) (millis & 31)];
      millis >>>= 5;
    }
    for (int i = 7; i >= 0; i--) {
      out[14 + i] = CROCKFORD[(int) (hi & 31)];
      hi >>>= 5;
    }
    for (int i = 7; i >= 0; i--) {
      out[22 + i] = CROCKFORD[(int) (lo & 31)];
      lo >>>= 5;
    }
    return new String(out);
  }
}
