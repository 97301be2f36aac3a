package dev.tripline.rules;

/** The {@code detect:} part of a rule: which detector kind, with its validated options. */
public sealed interface DetectorSpec
    permits ThresholdSpec, VelocitySpec, AbsenceSpec, SequenceSpec {

  /** The YAML name of the kind, e.g. {@code threshold}. */
  String kind();

  /**
   * The event fields whose values make a detection's key, in order: {@code group_by} or {@code
   * correlate_by}.
   */
  java.util.List<String> keyFields();

  /**
   * The event types the detector itself takes, on top of the rule's {@code on}: those named by its
   * parts (an absence rule's {@code start} and {@code cancel}, a sequence's steps); empty when it
   * takes every type the rule's {@code on} lets through.
   */
  default java.util.Set<String> types() {
    return java.util.Set.of();
  }

  /**
   * The parts of the detector that take events of their own types, by their path under {@code
   * detect.<kind>} (e.g. {@code cancel}, {@code steps[2]}), in order; a rule's {@code on} must let
   * each typed part's events through. Empty for kinds without parts.
   */
  default java.util.Map<String, java.util.Set<String>> partTypes() {
    return java.util.Map.of();
  }
}
