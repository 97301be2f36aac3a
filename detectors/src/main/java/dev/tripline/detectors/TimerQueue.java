package dev.tripline.detectors;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule's pending timers: found by key, ordered by due time. A binary min-heap whose entries know
 * their slot, so that a cancel or a rescheduled deadline costs O(log n) and firing costs O(log n)
 * per due timer: nothing is ever scanned, however many timers are pending.
 *
 * <p>Not thread-safe: owned by one detector, see {@link Detector}.
 */
final class TimerQueue {

  private final Map<List<Object>, PendingTimer> byKey = new HashMap<>();
  private PendingTimer[] heap = new PendingTimer[16];
  private int size;

  PendingTimer get(List<Object> key) {
    return byKey.get(key);
  }

  int size() {
    return size;
  }

  /** Adds a timer whose key has none. */
  void add(PendingTimer timer) {
    PendingTimer previous = byKey.putIfAbsent(timer.key, timer);
    if (previous != null) {
      throw new IllegalStateException("key already has a timer: " + timer.key);
    }
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    place(timer, size++);
    siftUp(timer.slot);
  }

  /** Moves a queued timer to its place after its {@code dueMillis} changed. */
  void rescheduled(PendingTimer timer) {
    siftUp(timer.slot);
    siftDown(timer.slot);
  }

  /** Removes the key's timer, if any, and returns it. */
  PendingTimer remove(List<Object> key) {
    PendingTimer timer = byKey.remove(key);
    if (timer != null) {
      removeAt(timer.slot);
    }
    return timer;
  }

  /** Calls {@code action} for every pending timer, in heap order. */
  void forEach(java.util.function.Consumer<PendingTimer> action) {
    for (int i = 0; i < size; i++) {
      action.accept(heap[i]);
    }
  }

  /** The timer due first, or null. */
  PendingTimer peek() {
    return size == 0 ? null : heap[0];
  }

  /** Removes and returns the timer due first if it is due at {@code nowMillis}, else null. */
  PendingTimer pollDue(long nowMillis) {
    PendingTimer first = peek();
    if (first == null || first.dueMillis > nowMillis) {
      return null;
    }
    byKey.remove(first.key);
    removeAt(0);
    return first;
  }

  private void removeAt(int slot) {
    PendingTimer removed = heap[slot];
    removed.slot = -1;
    size--;
    if (slot == size) {
      heap[size] = null;
      return;
    }
    PendingTimer moved = heap[size];
    heap[size] = null;
    place(moved, slot);
    siftUp(slot);
    siftDown(moved.slot);
  }

  private void siftUp(int slot) {
    PendingTimer timer = heap[slot];
    while (slot > 0) {
      int parent = (slot - 1) >>> 1;
      if (heap[parent].dueMillis <= timer.dueMillis) {
        break;
      }
      place(heap[parent], slot);
      slot = parent;
    }
    place(timer, slot);
  }

  private void siftDown(int slot) {
    PendingTimer timer = heap[slot];
    int half = size >>> 1;
    while (slot < half) {
      int child = 2 * slot + 1;
      if (child + 1 < size && heap[child + 1].dueMillis < heap[child].dueMillis) {
        child++;
      }
      if (timer.dueMillis <= heap[child].dueMillis) {
        break;
      }
      place(heap[child], slot);
      slot = child;
    }
    place(timer, slot);
  }

  private void place(PendingTimer timer, int slot) {
    heap[slot] = timer;
    timer.slot = slot;
  }
}
