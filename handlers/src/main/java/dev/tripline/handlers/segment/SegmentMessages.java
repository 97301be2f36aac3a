package dev.tripline.handlers.segment;

import dev.tripline.handlers.EventParser;
import dev.tripline.handlers.HttpException;
import dev.tripline.rules.Event;
import io.netty.util.NetUtil;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * Maps one Segment call (a message of the Tracking API) onto the canonical {@link Event}, or
 * explains precisely why it cannot, naming the Segment field ({@code event}, {@code traits.plan},
 * {@code context.location.latitude}, ...).
 *
 * <p>Lenient where Segment is: fields this mapping does not use ({@code integrations}, {@code
 * version}, {@code channel}, {@code writeKey}, {@code _metadata}, ...) are ignored rather than
 * refused, so that any Segment library's payload is accepted unchanged. Strict where data would be
 * lost or wrong: a missing identity, a track call without its {@code event} name, a timestamp that
 * is not one, an address that is not one.
 *
 * <p>The mapping (see the README's table): {@code type} is the track call's {@code event} name, or
 * the call's name for the others ({@code page}, {@code screen}, {@code identify}, {@code group},
 * {@code alias}); {@code properties} are the call's properties, or its traits for {@code identify}
 * and {@code group}; {@code context} is the call's context (over the batch's, key by key) plus
 * {@code context.segment}, what Segment says about the call that the canonical event has no field
 * for. The canonical event is then validated by {@link EventParser}, as {@code /v1/events}
 * validates it. Thread-safe.
 */
final class SegmentMessages {

  /** Where the call's Segment-only fields go, under the event's {@code context}. */
  static final String SEGMENT_CONTEXT = "segment";

  private static final int MAX_NAME_LENGTH = 256;

  private final EventParser parser;

  SegmentMessages(EventParser parser) {
    this.parser = Objects.requireNonNull(parser, "parser");
  }

  /** A mapped call: the event, and for an identified {@code identify} the traits to merge. */
  record Mapped(Event event, ProfileUpdate profile) {}

  /**
   * What a batch gives each of its calls.
   *
   * @param context the batch's {@code context}, under each call's own
   * @param sentAt the batch's {@code sentAt}, for calls without their own
   */
  record BatchDefaults(JsonObject context, Instant sentAt) {
    static final BatchDefaults NONE = new BatchDefaults(new JsonObject(), null);
  }

  /**
   * What the gateway knows about the request, as opposed to what the sender claims.
   *
   * @param source the source the write key admitted
   * @param peerIp the resolved client address, used when the call has no {@code context.ip}
   * @param receivedAt the gateway's clock at arrival
   */
  record Arrival(String source, String peerIp, Instant receivedAt) {}

  /**
   * Maps one call.
   *
   * @throws HttpException 400 naming the Segment field (the batch index is left to the caller)
   */
  Mapped map(SegmentCall call, JsonObject message, BatchDefaults batch, Arrival arrival) {
    String userId = optionalId(message, "userId");
    String anonymousId = optionalId(message, "anonymousId");
    if (call == SegmentCall.ALIAS) {
      requirePresent(userId, "userId", "alias calls need the new userId");
      requirePresent(optionalId(message, "previousId"), "previousId", "alias calls need it");
    } else if (userId == null && anonymousId == null) {
      throw new HttpException(
          400,
          "userId: required unless anonymousId is given (every Segment call needs one of them)",
          "userId",
          null);
    }
    String type = call == SegmentCall.TRACK ? eventName(message) : call.wire();
    Object messageId = message.getValue("messageId");
    if (messageId != null && !(messageId instanceof String)) {
      throw invalid("messageId", "must be a string", messageId);
    }

    Instant original = optionalInstant(message, "timestamp");
    if (original == null) {
      original = optionalInstant(message, "originalTimestamp");
    }
    Instant sentAt = optionalInstant(message, "sentAt");
    if (sentAt == null) {
      sentAt = batch.sentAt();
    }
    Instant timestamp = SegmentTimestamps.corrected(original, sentAt, arrival.receivedAt());

    JsonObject context = batch.context().copy().mergeIn(optionalObject(message, "context"));
    String ip = contextIp(context);
    JsonObject geo = contextGeo(context);
    JsonObject properties =
        switch (call) {
          case IDENTIFY, GROUP -> optionalObject(message, "traits").copy();
          case ALIAS -> new JsonObject();
          default -> optionalObject(message, "properties").copy();
        };
    JsonObject segment = new JsonObject().put("call", call.wire());
    switch (call) {
      case PAGE, SCREEN -> {
        String name = optionalName(message, "name");
        String category = call == SegmentCall.PAGE ? optionalName(message, "category") : null;
        putName(segment, properties, "name", name);
        putName(segment, properties, "category", category);
      }
      case GROUP -> segment.put("groupId", required(optionalId(message, "groupId"), "groupId"));
      case ALIAS -> segment.put("previousId", optionalId(message, "previousId"));
      default -> {}
    }
    if (original != null) {
      segment.put("originalTimestamp", original.toString());
    }
    if (sentAt != null) {
      segment.put("sentAt", sentAt.toString());
    }
    context.put(SEGMENT_CONTEXT, segment);

    JsonObject canonical =
        new JsonObject()
            .put("type", type)
            .put("timestamp", timestamp.toString())
            .put("properties", properties)
            .put("context", context);
    if (messageId != null) {
      canonical.put("id", messageId);
    }
    putIfPresent(canonical, "userId", userId);
    putIfPresent(canonical, "anonymousId", anonymousId);
    putIfPresent(canonical, "geo", geo);
    Event event;
    try {
      event =
          parser.parse(
              canonical,
              EventParser.Arrival.bound(
                  arrival.source(), ip != null ? ip : arrival.peerIp(), arrival.receivedAt()));
    } catch (HttpException e) {
      throw inSegmentTerms(call, e);
    }
    ProfileUpdate profile = null;
    if (call == SegmentCall.IDENTIFY) {
      requireStorableTraitNames(event);
      if (userId != null) {
        profile = new ProfileUpdate(userId, event.properties(), timestamp, timestamp);
      }
    }
    return new Mapped(event, profile);
  }

  private static String eventName(JsonObject message) {
    Object value = message.getValue("event");
    if (!(value instanceof String name) || name.isBlank()) {
      throw invalid("event", "must be a non-empty string (track calls name their event)", value);
    }
    return name;
  }

  /** A user, group or previous id: a string, or an integer as some libraries send. */
  private static String optionalId(JsonObject message, String field) {
    Object value = message.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      if (s.length() > MAX_NAME_LENGTH) {
        throw invalid(field, "must be at most " + MAX_NAME_LENGTH + " characters", value);
      }
      return s.isEmpty() ? null : s;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
      return value.toString();
    }
    throw invalid(field, "must be a string", value);
  }

  private static String optionalName(JsonObject message, String field) {
    Object value = message.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.length() > MAX_NAME_LENGTH) {
      throw invalid(field, "must be a string of at most " + MAX_NAME_LENGTH + " characters", value);
    }
    return s;
  }

  /** Page and screen names also go into properties, as Segment's libraries put them there. */
  private static void putName(
      JsonObject segment, JsonObject properties, String field, String value) {
    if (value != null) {
      segment.put(field, value);
      if (!properties.containsKey(field)) {
        properties.put(field, value);
      }
    }
  }

  private static String required(String value, String field) {
    requirePresent(value, field, "this call needs it");
    return value;
  }

  private static void requirePresent(String value, String field, String why) {
    if (value == null) {
      throw new HttpException(400, field + ": required (" + why + ")", field, null);
    }
  }

  private static JsonObject optionalObject(JsonObject message, String field) {
    Object value = message.getValue(field);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject object)) {
      throw invalid(field, "must be an object", value);
    }
    return object;
  }

  private static Instant optionalInstant(JsonObject message, String field) {
    return SegmentTimestamps.read(field, message.getValue(field));
  }

  /**
   * The call's {@code context.ip}, in canonical form. The write key authenticates the sender, so
   * what it says its user's address was is believed (a server forwarding its users' calls is the
   * usual case); without one, the request's own client address is used.
   */
  private static String contextIp(JsonObject context) {
    Object value = context.getValue("ip");
    if (value == null) {
      return null;
    }
    byte[] address =
        value instanceof String s && s.length() <= 64
            ? NetUtil.createByteArrayFromIpAddressString(s)
            : null;
    if (address == null) {
      throw invalid("context.ip", "must be an IPv4 or IPv6 address", value);
    }
    if (address.length == 16 && isIpv4Mapped(address)) {
      address = Arrays.copyOfRange(address, 12, 16);
    }
    return NetUtil.bytesToIpAddress(address);
  }

  private static boolean isIpv4Mapped(byte[] address) {
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
  }

  /** {@code context.location.latitude/longitude} as the canonical {@code geo}, or {@code null}. */
  private static JsonObject contextGeo(JsonObject context) {
    Object value = context.getValue("location");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject location)) {
      throw invalid("context.location", "must be an object", value);
    }
    Object latitude = location.getValue("latitude");
    Object longitude = location.getValue("longitude");
    if (latitude == null && longitude == null) {
      return null; // a city or a country alone is no point on the map
    }
    return new JsonObject()
        .put("lat", coordinate(latitude, "context.location.latitude", 90))
        .put("lon", coordinate(longitude, "context.location.longitude", 180));
  }

  private static double coordinate(Object value, String field, int bound) {
    String constraint = "must be a number in -" + bound + ".." + bound;
    if (value == null) {
      throw new HttpException(
          400, field + ": required with the other coordinate, " + constraint, field, null);
    }
    if (!(value instanceof Number n)
        || !Double.isFinite(n.doubleValue())
        || Math.abs(n.doubleValue()) > bound) {
      throw invalid(field, constraint, value);
    }
    return value instanceof BigDecimal big ? big.doubleValue() : n.doubleValue();
  }

  /**
   * Trait names become field names of the stored profile: MongoDB reads a dot as a path and a
   * leading {@code $} as an operator, so such names would be stored wrongly or refused.
   */
  private static void requireStorableTraitNames(Event event) {
    for (String name : event.properties().keySet()) {
      if (name.isEmpty() || name.indexOf('.') >= 0 || name.startsWith("$")) {
        String field = "traits." + name;
        throw new HttpException(
            400,
            field
                + ": trait names must be non-empty, without '.' and not start with '$' (they are"
                + " stored as profile fields)",
            field,
            null);
      }
    }
  }

  /** An error of the canonical parser, renamed to the Segment field the sender wrote. */
  private static HttpException inSegmentTerms(SegmentCall call, HttpException e) {
    String field = e.field();
    if (field == null) {
      return e;
    }
    String renamed = field;
    if (field.equals("type") && call == SegmentCall.TRACK) {
      renamed = "event";
    } else if (field.equals("id")) {
      renamed = "messageId";
    } else if (field.startsWith("properties")
        && (call == SegmentCall.IDENTIFY || call == SegmentCall.GROUP)) {
      renamed = "traits" + field.substring("properties".length());
    }
    if (renamed.equals(field)) {
      return e;
    }
    String message = e.getMessage();
    if (message.startsWith(field)) {
      message = renamed + message.substring(field.length());
    }
    return new HttpException(e.status(), message, renamed, e.index());
  }

  private static void putIfPresent(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }

  private static HttpException invalid(String field, String constraint, Object value) {
    return new HttpException(
        400, field + ": " + constraint + ", was " + EventParser.show(value), field, null);
  }
}
