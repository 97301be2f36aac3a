package dev.tripline.gateway.store;

import io.vertx.ext.mongo.WriteOption;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link MongoEventStore} uses its MongoDB client.
 *
 * @param collection the collection events live in
 * @param operationTimeout the longest any one store operation may take before it fails
 * @param writeConcern the write concern of inserts; the default {@code MAJORITY} survives a
 *     replica-set failover (a MongoDB 5+ majority write is journaled), which is what "acknowledged
 *     means durable" needs on a real MongoDB
 */
public record EventStoreOptions(
    String collection, Duration operationTimeout, WriteOption writeConcern) {

  public static final String DEFAULT_COLLECTION = "events";
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(10);

  public EventStoreOptions {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(operationTimeout, "operationTimeout");
    Objects.requireNonNull(writeConcern, "writeConcern");
    if (collection.isBlank()) {
      throw new IllegalArgumentException(
          "collection: must not be blank, was \"" + collection + "\"");
    }
    if (operationTimeout.isNegative() || operationTimeout.isZero()) {
      throw new IllegalArgumentException("operationTimeout: must be > 0s, was " + operationTimeout);
    }
    if (writeConcern == WriteOption.UNACKNOWLEDGED) {
      throw new IllegalArgumentException(
          "writeConcern: must acknowledge writes, was " + writeConcern);
    }
  }

  /** Collection {@code events}, 10 s per operation, majority writes. */
  public static EventStoreOptions defaults() {
    return new EventStoreOptions(
        DEFAULT_COLLECTION, DEFAULT_OPERATION_TIMEOUT, WriteOption.MAJORITY);
  }

  public EventStoreOptions withOperationTimeout(Duration operationTimeout) {
    return new EventStoreOptions(collection, operationTimeout, writeConcern);
  }

  public EventStoreOptions withCollection(String collection) {
    return new EventStoreOptions(collection, operationTimeout, writeConcern);
  }
}
