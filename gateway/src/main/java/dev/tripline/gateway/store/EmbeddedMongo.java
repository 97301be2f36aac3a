package dev.tripline.gateway.store;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Locale;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process MongoDB-wire-compatible server (mongo-java-server) for when no MongoDB is
 * configured. The gateway talks to it over TCP like to any MongoDB, so nothing else in the gateway
 * knows it is embedded.
 *
 * <p>With the {@link EmbeddedMongoOptions.Backend#H2 H2} backend every write is committed before
 * the server acknowledges it, so an acknowledged event survives {@code kill -9}; see {@link
 * CommittingH2Backend}. Starting and closing do file and socket I/O and block: call them from
 * {@code main} or a worker, never from an event loop.
 */
public final class EmbeddedMongo implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedMongo.class);

  private final MongoServer server;
  private final int port;

  private EmbeddedMongo(MongoServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Opens the backend and binds 127.0.0.1 at {@code options.port()}. */
  public static EmbeddedMongo start(EmbeddedMongoOptions options) {
    MongoBackend backend = openBackend(options);
    backend.version(ReportedVersion.MONGO_5_0_WIRE_13);
    MongoServer server = new MongoServer(backend);
    try {
      server.bind("127.0.0.1", options.port());
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    int port = server.getLocalAddress().getPort();
    log.info(
        "started embedded mongodb [port: {}, backend: {}, dir: {}]",
        port,
        options.backend().name().toLowerCase(Locale.ROOT),
        options.backend() == EmbeddedMongoOptions.Backend.H2
            ? options.dataDir().toAbsolutePath()
            : "-");
    return new EmbeddedMongo(server, port);
  }

  private static MongoBackend openBackend(EmbeddedMongoOptions options) {
    return switch (options.backend()) {
      case MEMORY -> new MemoryBackend();
      case H2 -> {
        try {
          Files.createDirectories(options.dataDir());
        } catch (IOException e) {
          throw new UncheckedIOException(
              "cannot create data dir [dir: " + options.dataDir().toAbsolutePath() + "]", e);
        }
        MVStore store =
            new MVStore.Builder().fileName(options.h2File().toString()).autoCommitDisabled().open();
        yield new CommittingH2Backend(store, options.syncOnCommit());
      }
    };
  }

  /** The TCP port the server listens on (the actual one when started with port 0). */
  public int port() {
    return port;
  }

  /** A MongoDB connection string for this server, e.g. {@code mongodb://127.0.0.1:27017}. */
  public String connectionString() {
    return "mongodb://127.0.0.1:" + port;
  }

  /** Stops listening, closes client connections and commits and closes the store. */
  @Override
  public void close() {
    server.shutdownNow();
    log.info("stopped embedded mongodb [port: {}]", port);
  }
}
