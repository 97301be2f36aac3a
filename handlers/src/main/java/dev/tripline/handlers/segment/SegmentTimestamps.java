package dev.tripline.handlers.segment;

import dev.tripline.handlers.EventParser;
import dev.tripline.handlers.EventTimes;
import dev.tripline.handlers.HttpException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Segment's timestamps: parsing as leniently as Segment's own examples need, and the clock-skew
 * correction its spec documents.
 *
 * <p>Parsing accepts ISO-8601 date-times with an offset ({@code Z}, {@code +02:00} or {@code
 * +0200}), with one- or two-digit months and days: the spec's own batch example sends {@code
 * 2015-2-02T00:30:08.276Z}. Seconds and the fraction (up to nine digits) are optional. A value
 * without an offset is refused: it names no instant. Every time, the sender's and the corrected
 * one, must be {@linkplain EventTimes representable}. Thread-safe.
 */
final class SegmentTimestamps {

  private static final DateTimeFormatter LENIENT =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .appendValue(ChronoField.YEAR, 4, 9, SignStyle.NORMAL)
          .appendLiteral('-')
          .appendValue(ChronoField.MONTH_OF_YEAR, 1, 2, SignStyle.NOT_NEGATIVE)
          .appendLiteral('-')
          .appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE)
          .appendLiteral('T')
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .toFormatter(Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

  private SegmentTimestamps() {}

  /**
   * The instant a Segment timestamp names.
   *
   * @throws DateTimeParseException when it is not a date-time with an offset
   */
  static Instant parse(String text) {
    if (text.length() > 64) {
      throw new DateTimeParseException("too long", text.substring(0, 64), 0);
    }
    try {
      return OffsetDateTime.from(LENIENT.parse(text)).toInstant();
    } catch (DateTimeParseException e) {
      throw e;
    } catch (DateTimeException e) {
      // parsed, but names no instant: no offset
      throw new DateTimeParseException(e.getMessage(), text, 0, e);
    }
  }

  /**
   * A Segment time field: {@code null} when absent, else the instant it names.
   *
   * @param field the Segment field, e.g. {@code sentAt}
   * @throws HttpException 400 naming the field when the value is not a date-time with an offset, or
   *     names one outside {@link EventTimes}' range
   */
  static Instant read(String field, Object value) {
    if (value == null) {
      return null;
    }
    Instant instant = null;
    if (value instanceof String s) {
      try {
        instant = parse(s);
      } catch (DateTimeParseException e) {
        // worded below, with the value
      }
    }
    if (instant == null) {
      throw new HttpException(
          400,
          field
              + ": must be an ISO-8601 date-time with an offset, e.g. 2012-12-02T00:30:08.276Z, was "
              + EventParser.show(value),
          field,
          null);
    }
    return EventTimes.require(field, instant, value);
  }

  /**
   * The event time Segment computes: {@code receivedAt - (sentAt - originalTimestamp)} when the
   * sender says when it sent the call, so that a device clock that is off by an hour moves the
   * event by nothing; the sender's own timestamp when it does not; the gateway's clock when there
   * is neither.
   *
   * @param originalTimestamp the sender's {@code timestamp}, or {@code null}
   * @param sentAt the sender's {@code sentAt} (of the call, else of its batch), or {@code null}
   * @param receivedAt the gateway's clock when the request arrived
   * @throws HttpException 400 naming {@code timestamp} when the corrected time is outside {@link
   *     EventTimes}' range (e.g. a timestamp in 1970 sent in 9999)
   */
  static Instant corrected(Instant originalTimestamp, Instant sentAt, Instant receivedAt) {
    if (originalTimestamp == null) {
      return receivedAt;
    }
    if (sentAt == null) {
      return originalTimestamp;
    }
    // with both inputs representable the skew is under 10,000 years, so this cannot overflow;
    // the result may still leave the range
    EventTimes.require("timestamp", originalTimestamp);
    EventTimes.require("sentAt", sentAt);
    Instant corrected = receivedAt.minus(Duration.between(originalTimestamp, sentAt));
    if (!EventTimes.representable(corrected)) {
      throw new HttpException(
          400,
          "timestamp: "
              + EventTimes.CONSTRAINT
              + " once corrected for the sender's clock (receivedAt - (sentAt - timestamp)), was "
              + corrected,
          "timestamp",
          null);
    }
    return corrected;
  }
}
