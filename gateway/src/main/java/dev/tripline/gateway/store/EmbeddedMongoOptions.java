package dev.tripline.gateway.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start the {@link EmbeddedMongo} server.
 *
 * @param backend where documents live
 * @param dataDir the directory of the H2 file ({@code tripline.mv.db}); ignored by {@link
 *     Backend#MEMORY}
 * @param port the TCP port on 127.0.0.1, {@code 0} for an ephemeral one
 * @param syncOnCommit whether each commit is also forced to the disk ({@code fsync}); without it a
 *     committed write survives a killed process but not a power cut or kernel crash
 */
public record EmbeddedMongoOptions(Backend backend, Path dataDir, int port, boolean syncOnCommit) {

  /** The file the H2 backend keeps its data in, inside {@link #dataDir()}. */
  public static final String H2_FILE_NAME = "tripline.mv.db";

  /** The storage behind the embedded server. */
  public enum Backend {
    /** A durable H2 MVStore file: every write is committed before the server replies. */
    H2,
    /**
     * Nothing on disk: a stand-in for a fast production MongoDB in benchmarks; loses everything on
     * exit.
     */
    MEMORY
  }

  public EmbeddedMongoOptions {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(dataDir, "dataDir");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: must be between 0 and 65535, was " + port);
    }
  }

  /** The durable H2 backend in {@code dataDir}, an ephemeral port, fsync on commit. */
  public static EmbeddedMongoOptions h2(Path dataDir) {
    return new EmbeddedMongoOptions(Backend.H2, dataDir, 0, true);
  }

  /** The in-memory backend on an ephemeral port. */
  public static EmbeddedMongoOptions memory() {
    return new EmbeddedMongoOptions(Backend.MEMORY, Path.of("data"), 0, false);
  }

  /** The H2 backend with the product default data dir {@code ./data}. */
  public static EmbeddedMongoOptions defaults() {
    return h2(Path.of("data"));
  }

  public EmbeddedMongoOptions withPort(int port) {
    return new EmbeddedMongoOptions(backend, dataDir, port, syncOnCommit);
  }

  public EmbeddedMongoOptions withSyncOnCommit(boolean syncOnCommit) {
    return new EmbeddedMongoOptions(backend, dataDir, port, syncOnCommit);
  }

  /** The H2 data file. */
  public Path h2File() {
    return dataDir.resolve(H2_FILE_NAME);
  }
}
