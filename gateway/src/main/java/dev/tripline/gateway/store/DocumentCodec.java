package dev.tripline.gateway.store;

import dev.tripline.rules.Event;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.impl.codec.json.JsonObjectCodec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.BsonBinaryWriter;
import org.bson.BsonWriter;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;

/**
 * The gateway's codec for the Vert.x MongoDB client's {@link JsonObject} documents: Vert.x's own
 * {@link JsonObjectCodec} for every document, except that an {@link EventDocument} is written
 * straight from its {@link Event}.
 *
 * <p>Why: encoding event documents through the generic codec (a type probe and several map lookups
 * per value, ISO date strings parsed back into instants) was the largest single cost of ingest in
 * JFR profiles. The direct path writes the same bytes — same fields, order, types and {@code _id}
 * placement, which {@code DocumentCodecTest} checks against the generic codec — without that walk.
 * Reading is unchanged.
 *
 * <p>One deliberate difference: a property map whose keys the generic codec reads as extended JSON
 * ({@code {"$date": ...}}, {@code {"$oid": ...}}, ...) is written here as the plain sub-document it
 * is. The generic codec would turn it into a date or an id, or fail the whole bulk write, and with
 * it every event in the batch, because of one client's property name.
 *
 * <p>{@link #unstorable} encodes one event alone, as an insert will, to find before a bulk write
 * what would fail it: the driver encodes a bulk write's documents in order and sends them in
 * messages of up to 48 MB, so a document that throws fails the whole write after some of the
 * earlier messages may already be stored.
 */
final class DocumentCodec extends JsonObjectCodec {

  /**
   * The largest document MongoDB stores (its {@code maxBsonObjectSize}, 16 MiB), less the {@code
   * _id} the driver adds to an event document on insert: a type byte, {@code "_id\0"} and a 12-byte
   * ObjectId.
   */
  static final int MAX_EVENT_DOCUMENT_BYTES = 16 * 1024 * 1024 - (1 + 4 + 12);

  private static final EncoderContext INSERT =
      EncoderContext.builder().isEncodingCollectibleDocument(true).build();

  DocumentCodec(JsonObject config) {
    super(config);
  }

  /**
   * Why the event cannot be written as a document, or {@code null} when it can.
   *
   * @param index the event's position, carried into the answer
   */
  UnstorableEvent unstorable(int index, Event event) {
    BasicOutputBuffer buffer = new BasicOutputBuffer(512);
    try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
      writeEvent(writer, new EventDocument(event), INSERT);
    } catch (UnencodableValueException e) {
      return new UnstorableEvent(index, e.field, e.getMessage());
    } catch (RuntimeException e) {
      return new UnstorableEvent(
          index, null, "event: cannot be encoded as BSON: " + e.getMessage());
    }
    int size = buffer.getPosition();
    if (size > MAX_EVENT_DOCUMENT_BYTES) {
      return new UnstorableEvent(
          index,
          null,
          "event: must be at most "
              + MAX_EVENT_DOCUMENT_BYTES
              + " bytes as a BSON document (MongoDB's limit), was "
              + size);
    }
    return null;
  }

  @Override
  public void encode(BsonWriter writer, JsonObject value, EncoderContext context) {
    if (value instanceof EventDocument document) {
      writeEvent(writer, document, context);
    } else {
      super.encode(writer, value, context);
    }
  }

  /**
   * The field order of {@link EventDocuments#toDocument}; {@code _id} where the generic codec puts
   * it.
   */
  private void writeEvent(BsonWriter writer, EventDocument document, EncoderContext context) {
    Event event = document.event();
    boolean idFirst = context.isEncodingCollectibleDocument() && document.containsKey(ID_FIELD);
    writer.writeStartDocument();
    if (idFirst) {
      writeId(writer, document, context);
    }
    writer.writeString("id", event.id());
    writer.writeString("source", event.source());
    writer.writeString("type", event.type());
    writer.writeDateTime("timestamp", epochMillis("timestamp", event.timestamp()));
    writeIfPresent(writer, "userId", event.userId());
    writeIfPresent(writer, "anonymousId", event.anonymousId());
    writeIfPresent(writer, "ip", event.ip());
    if (event.geo() != null) {
      writer.writeStartDocument("geo");
      writer.writeDouble("lat", event.geo().lat());
      writer.writeDouble("lon", event.geo().lon());
      if (event.geo().accuracyM() != null) {
        writer.writeDouble("accuracyM", event.geo().accuracyM());
      }
      writer.writeEndDocument();
    }
    writer.writeName("properties");
    writeMap(writer, event.properties());
    writer.writeName("context");
    writeMap(writer, event.context());
    writer.writeDateTime("receivedAt", epochMillis("receivedAt", event.receivedAt()));
    if (!idFirst && document.containsKey(ID_FIELD)) {
      writeId(writer, document, context);
    }
    writer.writeEndDocument();
  }

  /** A BSON date: milliseconds since the epoch, which a 64-bit integer holds for ±292 My. */
  private static long epochMillis(String field, Instant instant) {
    try {
      return instant.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new UnencodableValueException(
          field,
          field
              + ": must be within a BSON date's range (milliseconds since 1970 in 64 bits), was "
              + instant);
    }
  }

  private void writeId(BsonWriter writer, JsonObject document, EncoderContext context) {
    writer.writeName(ID_FIELD);
    writeValue(writer, ID_FIELD, document.getValue(ID_FIELD), context);
  }

  private static void writeIfPresent(BsonWriter writer, String name, String value) {
    if (value != null) {
      writer.writeString(name, value);
    }
  }

  private static void writeMap(BsonWriter writer, Map<?, ?> map) {
    writer.writeStartDocument();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      writer.writeName(String.valueOf(entry.getKey()));
      writePlain(writer, entry.getValue());
    }
    writer.writeEndDocument();
  }

  /**
   * The values an {@link Event} holds (String, Long, Double, Boolean, null, List and Map), plus the
   * Integer and Float that the generic codec also accepts, with the same BSON types.
   */
  private static void writePlain(BsonWriter writer, Object value) {
    if (value == null) {
      writer.writeNull();
    } else if (value instanceof String text) {
      writer.writeString(text);
    } else if (value instanceof Long number) {
      writer.writeInt64(number);
    } else if (value instanceof Double number) {
      writer.writeDouble(number);
    } else if (value instanceof Integer number) {
      writer.writeInt32(number);
    } else if (value instanceof Float number) {
      writer.writeDouble(number);
    } else if (value instanceof Boolean flag) {
      writer.writeBoolean(flag);
    } else if (value instanceof Map<?, ?> map) {
      writeMap(writer, map);
    } else if (value instanceof List<?> list) {
      writer.writeStartArray();
      for (Object item : list) {
        writePlain(writer, item);
      }
      writer.writeEndArray();
    } else {
      throw new IllegalArgumentException(
          "event values are String, Long, Double, Boolean, null, List or Map, was "
              + value.getClass().getName());
    }
  }

  /** A value of an event that BSON cannot carry, naming its field. */
  private static final class UnencodableValueException extends IllegalArgumentException {
    final String field;

    UnencodableValueException(String field, String message) {
      super(message);
      this.field = field;
    }
  }
}
