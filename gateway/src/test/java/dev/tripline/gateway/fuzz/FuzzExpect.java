package dev.tripline.gateway.fuzz;

/** What a correct gateway must answer to a fuzz input. */
enum FuzzExpect {
  /** A 2xx (or an ack), and every event stored once. */
  VALID,
  /** A 4xx with a JSON error (or an error frame), and nothing stored. */
  INVALID,
  /** Either, as long as the invariants hold: no 5xx, JSON errors, what is acked is stored. */
  EITHER;

  /** The verdict of an input that is both: the stricter one wins. */
  FuzzExpect and(FuzzExpect other) {
    if (this == INVALID || other == INVALID) {
      return INVALID;
    }
    return this == EITHER || other == EITHER ? EITHER : VALID;
  }
}
