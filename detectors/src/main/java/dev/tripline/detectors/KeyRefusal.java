package dev.tripline.detectors;

/** Why a rule refused to take on a new key ({@link EngineObserver#keyRefused}). */
public enum KeyRefusal {
  /** The rule holds {@link DetectorLimits#maxTimersPerRule()} timers. */
  MAX_TIMERS("max_timers"),
  /** The rule's {@code new_keys} rate has no token left. */
  NEW_KEY_RATE("new_key_rate");

  private final String label;

  KeyRefusal(String label) {
    this.label = label;
  }

  /** The name in metrics and reports: {@code max_timers}, {@code new_key_rate}. */
  public String label() {
    return label;
  }
}
