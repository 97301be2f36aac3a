package dev.tripline.gateway.delivery;

import dev.tripline.detectors.Detection;
import java.util.Map;

/**
 * The webhooks detections would make after their destinations' frequency caps, decided in memory in
 * detection time exactly as the live delivery decides them ({@link FrequencyCap}, one window per
 * destination and subject). Rule tests and backtests count with it; nothing is sent. Starts with
 * empty windows; not thread-safe beyond what {@link InMemoryCapStore} guarantees.
 */
public final class SimulatedCaps {

  /** What one detection makes: webhooks sent, and those a cap held back. */
  public record Count(int sent, int capped) {}

  private final Map<String, Destination> destinations;
  private final InMemoryCapStore caps = new InMemoryCapStore();

  /**
   * @param destinations the configured destinations by id; an id missing here counts as a
   *     destination without a cap
   */
  public SimulatedCaps(Map<String, Destination> destinations) {
    this.destinations = Map.copyOf(destinations);
  }

  /** Decides each of the detection's destinations, once per distinct destination. */
  public Count count(Detection detection) {
    int sent = 0;
    int capped = 0;
    for (String id : detection.destinations().stream().distinct().toList()) {
      if (isCapped(detection, id)) {
        capped++;
      } else {
        sent++;
      }
    }
    return new Count(sent, capped);
  }

  private boolean isCapped(Detection detection, String destinationId) {
    Destination destination = destinations.get(destinationId);
    if (destination == null || destination.frequencyCap().isEmpty()) {
      return false;
    }
    FrequencyCap cap = destination.frequencyCap().get();
    return cap.subject(detection.key())
        .map(
            subject ->
                !caps.admitNow(
                        destinationId,
                        cap,
                        subject,
                        WebhookIds.of(detection.id(), destinationId),
                        detection.detectedAt())
                    .allowed())
        .orElse(false);
  }
}
