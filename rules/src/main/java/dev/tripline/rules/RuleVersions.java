package dev.tripline.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The version of a rule without {@code version:}: {@code h} + 10 hex digits of the SHA-256 of a
 * canonical form of what the rule does.
 *
 * <p>The form is built from the validated values, not the YAML text, so key order, quoting, flow or
 * block style, {@code 60s} versus {@code 1m} and the order of {@code on}/{@code notify} do not
 * matter, while any change to behaviour does. {@code description} and {@code enabled} are left out:
 * fixing a typo in a description must not make a new version (and reset detector state).
 */
final class RuleVersions {

  private RuleVersions() {}

  static String hash(
      Collection<String> on,
      String where,
      DetectorSpec detector,
      Duration cooldown,
      Collection<String> destinations) {
    String canonical =
        "on="
            + new TreeSet<>(on)
            + "\nwhere="
            + (where == null ? "" : where.strip())
            + "\ndetect="
            + canonical(detector)
            + "\ncooldown="
            + Durations.format(cooldown)
            + "\nnotify="
            + new TreeSet<>(destinations);
    return digest(canonical);
  }

  private static String digest(String canonical) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return "h" + HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String canonical(DetectorSpec detector) {
    if (detector instanceof ThresholdSpec threshold) {
      return "threshold{group_by="
          + threshold.groupBy()
          + ",count="
          + threshold.count()
          + ",distinct="
          + threshold.distinct().orElse("")
          + ",within="
          + Durations.format(threshold.within())
          // on_fire joined the canonical form later: the default leaves old versions unchanged
          + (threshold.onFire() == ThresholdSpec.OnFire.RESET ? "" : ",on_fire=keep")
          + "}";
    }
    if (detector instanceof VelocitySpec velocity) {
      return "velocity{group_by="
          + velocity.groupBy()
          + ",max_speed_kmh="
          + velocity.maxSpeedKmh()
          + ",min_distance_m="
          + velocity.minDistanceM()
          + ",min_interval="
          + Durations.format(velocity.minInterval())
          + ",max_gap="
          + Durations.format(velocity.maxGap())
          + ",subtract_accuracy="
          + velocity.subtractAccuracy()
          + "}";
    }
    if (detector instanceof AbsenceSpec absence) {
      return "absence{start="
          + absence.start().canonical()
          + ",cancel="
          + absence.cancel().canonical()
          + ",correlate_by="
          + absence.correlateBy()
          + ",after="
          + Durations.format(absence.after())
          + ",grace="
          + Durations.format(absence.grace())
          + ",on_repeat_start="
          + absence.onRepeatStart()
          + "}";
    }
    if (detector instanceof SequenceSpec sequence) {
      return "sequence{steps="
          + sequence.steps().stream()
              .map(EventFilter::canonical)
              .collect(Collectors.joining(",", "[", "]"))
          + ",correlate_by="
          + sequence.correlateBy()
          + ",within="
          + Durations.format(sequence.within())
          + ",fire_on="
          + sequence.fireOn().name().toLowerCase(Locale.ROOT)
          + ",at_step="
          + new TreeSet<>(sequence.atStep())
          + "}";
    }
    // kinds added later: records print every component, deterministically
    return detector.kind() + detector;
  }
}
