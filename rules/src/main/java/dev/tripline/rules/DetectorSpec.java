package dev.tripline.rules;

/** The {@code detect:} part of a rule: which detector kind, with its validated options. */
public sealed interface DetectorSpec permits ThresholdSpec, VelocitySpec {

  /** The YAML name of the kind, e.g. {@code threshold}. */
  String kind();
}
