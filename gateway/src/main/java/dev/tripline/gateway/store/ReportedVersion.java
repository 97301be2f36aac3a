package dev.tripline.gateway.store;

import de.bwaldvogel.mongo.MongoVersion;
import java.util.List;

/**
 * The server version the embedded server claims. The library's newest ({@code MONGO_5_0}) still
 * reports wire version 8, which newer tools (Node driver 7, mongosh) refuse; wire 13 is what
 * MongoDB 5.0 reports, so users can open the embedded store with their usual tools.
 */
enum ReportedVersion implements MongoVersion {
  MONGO_5_0_WIRE_13;

  @Override
  public List<Integer> getVersionArray() {
    return List.of(5, 0, 0);
  }

  @Override
  public int getWireVersion() {
    return 13;
  }
}
