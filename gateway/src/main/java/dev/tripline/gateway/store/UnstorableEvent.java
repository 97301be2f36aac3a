package dev.tripline.gateway.store;

/**
 * An event a store cannot hold as it is, found before it is written (see {@link
 * EventStore#unstorable}).
 *
 * @param index its position in the list that was checked
 * @param field the event field at fault (e.g. {@code timestamp}), or {@code null} for the whole
 *     event
 * @param reason what is wrong, naming the field, the constraint and the value
 */
public record UnstorableEvent(int index, String field, String reason) {}
