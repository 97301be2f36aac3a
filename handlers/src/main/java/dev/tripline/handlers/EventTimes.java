package dev.tripline.handlers;

import java.time.Instant;

/**
 * The event times Tripline represents: from {@code 1970-01-01T00:00:00Z} to {@code
 * 9999-12-31T23:59:59.999Z}, inclusive. Every route that takes a time from its input checks it
 * here, before any arithmetic or storage, so that one event cannot fail anything beyond its own
 * request.
 *
 * <p>Why these bounds: events are stored as BSON dates, milliseconds since the epoch in a signed
 * 64-bit integer; an {@link Instant} reaches a billion years either way, far past what that holds
 * ({@code -999999999-01-01T00:00:00Z} parses, and its {@code toEpochMilli()} overflows). Years past
 * 9999 print as {@code +10000-01-01T00:00:00Z}, which ISO-8601 readers (Tripline's own admin
 * filters, JavaScript's {@code Date}, most JSON tooling) refuse, so stored values could not be read
 * back. And events of user behaviour before 1970 are not real: such a timestamp is a broken device
 * clock or a unit mistake, and it would sit at the start of every window and retention scan.
 *
 * <p>Errors are the usual 400 {@link HttpException} naming the field, the constraint and the value,
 * e.g. {@code timestamp: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, was
 * "-999999999-01-01T00:00:00Z"}. Thread-safe (stateless).
 */
public final class EventTimes {

  private static final String EARLIEST_TEXT = "1970-01-01T00:00:00Z";
  private static final String LATEST_TEXT = "9999-12-31T23:59:59.999Z";

  /** The earliest representable event time: the Unix epoch. */
  public static final Instant EARLIEST = Instant.parse(EARLIEST_TEXT);

  /** The latest representable event time: the last millisecond of year 9999. */
  public static final Instant LATEST = Instant.parse(LATEST_TEXT);

  /** The constraint as error messages word it: {@code must be between ... and ...}. */
  public static final String CONSTRAINT = "must be between " + EARLIEST + " and " + LATEST;

  private EventTimes() {}

  /** Whether {@code instant} lies within [{@link #EARLIEST}, {@link #LATEST}]. */
  public static boolean representable(Instant instant) {
    return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
  }

  /**
   * The instant, when representable.
   *
   * @param field the field to name in the error, e.g. {@code timestamp} or {@code sentAt}
   * @throws HttpException 400 naming the field, the range and the instant
   */
  public static Instant require(String field, Instant instant) {
    return require(field, instant, instant.toString());
  }

  /**
   * The instant, when representable.
   *
   * @param field the field to name in the error
   * @param given what the client sent, shown in the error (e.g. the text before parsing)
   * @throws HttpException 400 naming the field, the range and {@code given}
   */
  public static Instant require(String field, Instant instant, Object given) {
    if (!representable(instant)) {
      throw outOfRange(field, given);
    }
    return instant;
  }

  /**
   * The instant of a Unix-seconds value, checked before it is converted (so that {@code
   * Long.MAX_VALUE} is a 400 rather than a {@code DateTimeException}).
   *
   * @throws HttpException 400 naming the field, the range in seconds and the value
   */
  public static Instant ofEpochSecond(String field, long seconds) {
    if (seconds < EARLIEST.getEpochSecond() || seconds > LATEST.getEpochSecond()) {
      throw new HttpException(
          400,
          field
              + ": must be Unix seconds from "
              + EARLIEST.getEpochSecond()
              + " to "
              + LATEST.getEpochSecond()
              + " ("
              + CONSTRAINT.substring("must be ".length())
              + "), was "
              + seconds,
          field,
          null);
    }
    return Instant.ofEpochSecond(seconds);
  }

  /** The error for a time outside the range, showing {@code given} as the parser shows values. */
  public static HttpException outOfRange(String field, Object given) {
    return new HttpException(
        400, field + ": " + CONSTRAINT + ", was " + EventParser.show(given), field, null);
  }
}
