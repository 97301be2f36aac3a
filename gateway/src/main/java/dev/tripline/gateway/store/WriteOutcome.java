package dev.tripline.gateway.store;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a durable {@link EventStore#insert} did.
 *
 * @param inserted how many events were stored
 * @param duplicateIndexes the positions, in the written list, of events that were already stored
 */
public record WriteOutcome(int inserted, SortedSet<Integer> duplicateIndexes) {

  public WriteOutcome {
    duplicateIndexes = Collections.unmodifiableSortedSet(new TreeSet<>(duplicateIndexes));
  }

  /** Every one of {@code size} events was stored. */
  public static WriteOutcome allInserted(int size) {
    return new WriteOutcome(size, new TreeSet<>());
  }

  public static WriteOutcome of(int inserted, Set<Integer> duplicateIndexes) {
    return new WriteOutcome(inserted, new TreeSet<>(duplicateIndexes));
  }

  public boolean isDuplicate(int index) {
    return duplicateIndexes.contains(index);
  }

  public int duplicates() {
    return duplicateIndexes.size();
  }
}
