package dev.tripline.gateway.detect;

import dev.tripline.detectors.Detection;
import io.vertx.core.Future;

/** Where detections are recorded, with their provenance, before anything is delivered. */
public interface DetectionStore {

  /** Creates the indexes detections are queried by. */
  Future<Void> createIndexes();

  /**
   * Records a detection durably.
   *
   * @return true when stored, false when a detection with the same id was already stored
   */
  Future<Boolean> insert(Detection detection);
}
