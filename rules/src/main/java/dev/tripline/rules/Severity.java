package dev.tripline.rules;

import java.util.Locale;

/** How much a rule's detections matter to whoever receives them; {@code severity:} in YAML. */
public enum Severity {
  INFO,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /** The severity of a rule that names none. */
  public static final Severity DEFAULT = MEDIUM;

  /** The YAML and JSON spelling, e.g. {@code high}. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
