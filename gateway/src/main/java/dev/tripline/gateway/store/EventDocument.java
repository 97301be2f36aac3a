package dev.tripline.gateway.store;

import dev.tripline.rules.Event;
import io.vertx.core.json.JsonObject;

/**
 * The document of one event as handed to the Vert.x MongoDB client: a complete {@link JsonObject}
 * ({@link EventDocuments#toDocument}) that also carries the {@link Event} it was made from, so that
 * {@link DocumentCodec} can write its BSON straight from the event instead of walking the generic
 * JSON tree. Any other codec still sees an ordinary, complete JSON document.
 */
final class EventDocument extends JsonObject {

  private final Event event;

  EventDocument(Event event) {
    super(EventDocuments.toDocument(event).getMap());
    this.event = event;
  }

  Event event() {
    return event;
  }
}
