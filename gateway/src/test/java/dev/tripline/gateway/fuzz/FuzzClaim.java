package dev.tripline.gateway.fuzz;

import java.util.List;

/**
 * What one answered request or frame claims about the store, checked against it once everything is
 * answered (see {@link FuzzStorageCheck}).
 *
 * @param outcome whether the gateway acknowledged it, refused it, or it cannot be known (503, no
 *     answer)
 * @param accepted the answer's {@code accepted}, or -1 when the answer has no counts
 * @param duplicatesAnswered the answer's {@code duplicates}, or -1
 */
record FuzzClaim(
    String group,
    String describe,
    Outcome outcome,
    int accepted,
    int duplicatesAnswered,
    List<String> fresh,
    int duplicates,
    int untraced,
    String probeId,
    Object probe) {

  enum Outcome {
    ACKNOWLEDGED,
    REFUSED,
    UNKNOWN
  }
}
