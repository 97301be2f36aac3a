package dev.tripline.gateway.store;

import dev.tripline.rules.Event;
import io.vertx.core.json.JsonObject;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * The document of one event as handed to the Vert.x MongoDB client: a {@link JsonObject} that
 * carries the {@link Event} it stands for, so that {@link DocumentCodec} can write its BSON
 * straight from the event instead of walking a generic JSON tree.
 *
 * <p>To anyone else it is the complete document of {@link EventDocuments#toDocument}; that map is
 * built on first use, which on the insert path never comes: the client and the driver only look up,
 * generate and read {@code _id}, which is kept aside until then.
 */
final class EventDocument extends JsonObject {

  private static final String ID = "_id";

  private final Event event;

  EventDocument(Event event) {
    this(event, new Fields(event));
  }

  private EventDocument(Event event, Fields fields) {
    super(fields);
    this.event = event;
  }

  Event event() {
    return event;
  }

  /** Whether the JSON fields have been built, i.e. something other than the codec read them. */
  boolean built() {
    return ((Fields) getMap()).fields != null;
  }

  /** The event's fields, built on first use; {@code _id} alone is kept without building them. */
  private static final class Fields extends AbstractMap<String, Object> {
    private final Event event;
    private Object id;
    private Map<String, Object> fields;

    Fields(Event event) {
      this.event = event;
    }

    private Map<String, Object> fields() {
      if (fields == null) {
        fields = EventDocuments.toDocument(event).getMap();
        if (id != null) {
          fields.put(ID, id);
        }
      }
      return fields;
    }

    @Override
    public boolean containsKey(Object key) {
      return fields == null && ID.equals(key) ? id != null : fields().containsKey(key);
    }

    @Override
    public Object get(Object key) {
      return fields == null && ID.equals(key) ? id : fields().get(key);
    }

    @Override
    public Object put(String key, Object value) {
      if (fields == null && ID.equals(key)) {
        Object previous = id;
        id = value;
        return previous;
      }
      return fields().put(key, value);
    }

    @Override
    public Object remove(Object key) {
      return fields().remove(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return fields().entrySet();
    }
  }
}
