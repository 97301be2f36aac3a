package dev.tripline.rules;

import dev.tripline.rules.yaml.YamlMapping;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code detect.absence}: {@code start}, {@code cancel}, {@code correlate_by}, {@code after},
 * {@code grace}, {@code on_repeat_start}.
 */
final class AbsenceReader {

  /**
   * Timers further out than this are almost certainly a unit mistake ({@code 90d} is a quarter).
   */
  static final Duration MAX_AFTER = Duration.ofDays(400);

  static final Duration MAX_GRACE = Duration.ofDays(7);

  private static final Set<String> FIELDS =
      Set.of("start", "cancel", "correlate_by", "after", "grace", "on_repeat_start");

  private AbsenceReader() {}

  static Optional<DetectorSpec> read(YamlMapping options, DetectorReader.FilterReader filters) {
    options.rejectUnknownKeys(FIELDS);
    Optional<EventFilter> start = options.requiredMapping("start").flatMap(filters::read);
    Optional<EventFilter> cancel = options.requiredMapping("cancel").flatMap(filters::read);
    Optional<List<String>> correlateBy = KeyPaths.required(options, "correlate_by");
    Optional<Duration> after =
        options
            .requiredDuration("after")
            .filter(d -> options.check("after", !d.isZero(), "must be > 0s"))
            .filter(
                d ->
                    options.check(
                        "after",
                        d.compareTo(MAX_AFTER) <= 0,
                        "must be <= " + Durations.format(MAX_AFTER)));
    Optional<Duration> grace =
        options.has("grace")
            ? options
                .optionalDuration("grace")
                .filter(
                    d ->
                        options.check(
                            "grace",
                            d.compareTo(MAX_GRACE) <= 0,
                            "must be <= " + Durations.format(MAX_GRACE)))
            : Optional.of(Duration.ZERO);
    Optional<AbsenceSpec.OnRepeatStart> onRepeatStart =
        options.has("on_repeat_start")
            ? options.optionalChoice("on_repeat_start", AbsenceSpec.OnRepeatStart.class)
            : Optional.of(AbsenceSpec.OnRepeatStart.RESET);
    if (start.isEmpty()
        || cancel.isEmpty()
        || correlateBy.isEmpty()
        || after.isEmpty()
        || grace.isEmpty()
        || onRepeatStart.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new AbsenceSpec(
            start.get(),
            cancel.get(),
            correlateBy.get(),
            after.get(),
            grace.get(),
            onRepeatStart.get()));
  }
}
