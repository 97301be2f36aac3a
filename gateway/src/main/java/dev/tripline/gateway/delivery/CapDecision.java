package dev.tripline.gateway.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link FrequencyCap} says about one delivery.
 *
 * @param verdict send it, or not
 * @param window the subject's sends after the decision, oldest first: what a store keeps
 * @param nextAllowedAt when {@link Verdict#CAPPED}, the earliest detection time at which the
 *     subject could be sent to again; null otherwise
 */
public record CapDecision(Verdict verdict, List<CapSend> window, Instant nextAllowedAt) {

  /** The outcome for the delivery. */
  public enum Verdict {
    /** Under the cap: send it; the window now counts it. */
    SEND,
    /** Let through before (its detection was submitted again): send it; the window is unchanged. */
    ALREADY_SENT,
    /** The cap is reached: do not send it; the window is unchanged. */
    CAPPED
  }

  public CapDecision {
    Objects.requireNonNull(verdict, "verdict");
    window = List.copyOf(window);
  }

  /** Whether the delivery may be sent. */
  public boolean allowed() {
    return verdict != Verdict.CAPPED;
  }

  /** Whether the window changed, so that a store must write it. */
  public boolean changed() {
    return verdict == Verdict.SEND;
  }
}
