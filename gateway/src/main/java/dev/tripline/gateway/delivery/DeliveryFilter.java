package dev.tripline.gateway.delivery;

import java.time.Instant;
import java.util.Optional;

/**
 * Which deliveries an operator asks for: every present criterion must match.
 *
 * @param status the delivery's status
 * @param destination the destination id
 * @param rule the id of the rule that fired
 * @param from created at or after
 * @param to created before
 */
public record DeliveryFilter(
    Optional<DeliveryStatus> status,
    Optional<String> destination,
    Optional<String> rule,
    Optional<Instant> from,
    Optional<Instant> to) {

  /** Every delivery. */
  public static final DeliveryFilter ALL =
      new DeliveryFilter(
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** This filter, for deliveries with {@code status} only. */
  public DeliveryFilter withStatus(DeliveryStatus status) {
    return new DeliveryFilter(Optional.of(status), destination, rule, from, to);
  }
}
