package dev.tripline.gateway.delivery;

import dev.tripline.rules.Durations;
import dev.tripline.rules.FieldPaths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A destination's {@code frequency_cap}: at most {@code max} deliveries to that destination per
 * value of the detection key field {@code per} (a user, usually) within any span of {@code within},
 * whichever rules the detections come from.
 *
 * <p>This class holds the whole rule and no state: {@link #decide} judges one delivery against the
 * sends already counted for its subject, at a time it is given (the detection's {@code detectedAt},
 * which comes from the engine's clock), and says what the subject's window holds afterwards. The
 * live path keeps those windows in MongoDB ({@link MongoCapStore}), rule tests in memory ({@link
 * InMemoryCapStore}); both decide here, so a rule test counts exactly the webhooks the gateway
 * would send.
 *
 * @param per the detection key field counted by, a rule's {@code group_by} / {@code correlate_by}
 *     path such as {@code userId}; a detection whose key lacks it is not capped
 * @param max how many deliveries a subject may get within {@code within}, 1 to {@link #MAX_MAX}
 * @param within the length of the sliding window, more than zero and at most {@link #MAX_WITHIN}
 */
public record FrequencyCap(String per, int max, Duration within) {

  /** The key field counted by when the configuration names none. */
  public static final String DEFAULT_PER = "userId";

  /** The highest {@code max}: it bounds the sends kept per subject. */
  public static final int MAX_MAX = 1000;

  /** The longest window: it bounds how long a subject's sends are kept. */
  public static final Duration MAX_WITHIN = Duration.ofDays(90);

  /**
   * Validates the values; a null {@code per} takes {@link #DEFAULT_PER}.
   *
   * @throws IllegalArgumentException listing every problem, each naming its field
   */
  public FrequencyCap {
    per = per == null ? DEFAULT_PER : per;
    List<String> problems = validate(per, max, within);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * Checks configuration values and returns one message per problem, each starting with the field
   * name below {@code frequency_cap} (for example {@code within: must be > 0s, was "0s"}). An empty
   * list means the constructor succeeds.
   *
   * @param per may be null for {@link #DEFAULT_PER}
   */
  public static List<String> validate(String per, int max, Duration within) {
    List<String> problems = new ArrayList<>();
    if (per != null && !FieldPaths.isValid(per)) {
      problems.add(
          "per: must be "
              + FieldPaths.EXPECTED
              + ", was \""
              + per
              + "\""
              + FieldPaths.suggest(per).map(s -> ", did you mean `" + s + "`?").orElse(""));
    }
    if (max < 1 || max > MAX_MAX) {
      problems.add("max: must be an integer from 1 to " + MAX_MAX + ", was " + max);
    }
    if (within == null) {
      problems.add("within: is required, a duration such as 16h");
    } else if (within.isZero() || within.isNegative()) {
      problems.add(
          "within: must be > 0s, was \""
              + (within.isNegative() ? within.toString() : Durations.format(within))
              + "\"");
    } else if (within.compareTo(MAX_WITHIN) > 0) {
      problems.add(
          "within: must be at most "
              + Durations.format(MAX_WITHIN)
              + ", was \""
              + Durations.format(within)
              + "\"");
    }
    return problems;
  }

  /**
   * The value this cap counts by in a detection key, e.g. {@code "u123"} for {@code per: userId};
   * empty when the key has no such field (the rule groups by something else), in which case the
   * delivery is not capped.
   */
  public Optional<Object> subject(Map<String, Object> key) {
    return Optional.ofNullable(key.get(per));
  }

  /**
   * Judges one delivery of a subject at time {@code at}. The window is {@code (at - within, at]},
   * and a send recorded later than {@code at} (a detection judged out of order) counts too: the
   * delivery is capped when {@code max} sends count. A delivery whose id is already among the sends
   * was let through before (its detection is being submitted again) and is let through again,
   * unchanged.
   *
   * @param sends the subject's recorded sends, in any order
   * @param deliveryId the delivery's {@code webhook-id}
   * @param at when the delivery is judged: its detection's {@code detectedAt}
   * @return the verdict and what the subject's window holds afterwards: pruned of sends that no
   *     longer count for anything at or after the newest time seen, and at most {@code max} sends
   */
  public CapDecision decide(List<CapSend> sends, String deliveryId, Instant at) {
    List<CapSend> sorted = new ArrayList<>(sends);
    sorted.sort(Comparator.comparing(CapSend::at));
    if (sorted.stream().anyMatch(send -> send.deliveryId().equals(deliveryId))) {
      return new CapDecision(CapDecision.Verdict.ALREADY_SENT, sorted, null);
    }
    Instant cutoff = at.minus(within);
    List<CapSend> counted = sorted.stream().filter(send -> send.at().isAfter(cutoff)).toList();
    if (counted.size() >= max) {
      // the window frees a slot once the max-th newest send has left it
      Instant nextAllowedAt = counted.get(counted.size() - max).at().plus(within);
      return new CapDecision(CapDecision.Verdict.CAPPED, sorted, nextAllowedAt);
    }
    sorted.add(new CapSend(deliveryId, at));
    sorted.sort(Comparator.comparing(CapSend::at));
    return new CapDecision(CapDecision.Verdict.SEND, prune(sorted), null);
  }

  /** Drops the sends that no later judgement counts, then all but the newest {@code max}. */
  private List<CapSend> prune(List<CapSend> sorted) {
    Instant newest = sorted.get(sorted.size() - 1).at();
    Instant cutoff = newest.minus(within);
    List<CapSend> kept = sorted.stream().filter(send -> send.at().isAfter(cutoff)).toList();
    return kept.size() <= max ? kept : kept.subList(kept.size() - max, kept.size());
  }

  /** The cap as operators read it, e.g. {@code 1 per userId within 16h}. */
  public String describe() {
    return max + " per " + per + " within " + Durations.format(within);
  }
}
