package dev.tripline.gateway.store;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
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
  private final boolean readOnly;

  private EmbeddedMongo(MongoServer server, int port, boolean readOnly) {
    this.server = server;
    this.port = port;
    this.readOnly = readOnly;
  }

  /** Opens the backend and binds 127.0.0.1 at {@code options.port()}. */
  public static EmbeddedMongo start(EmbeddedMongoOptions options) {
    MongoServer server = bind(openBackend(options), options.port());
    int port = server.getLocalAddress().getPort();
    log.info(
        "started embedded mongodb [port: {}, backend: {}, dir: {}]",
        port,
        options.backend().name().toLowerCase(Locale.ROOT),
        options.backend() == EmbeddedMongoOptions.Backend.H2
            ? options.dataDir().toAbsolutePath()
            : "-");
    return new EmbeddedMongo(server, port, false);
  }

  /**
   * Serves the H2 data file of {@code dataDir} read-only on an ephemeral port of 127.0.0.1, for
   * tools that read what a stopped gateway stored ({@code backtest}). Nothing is written to the
   * file, and it is opened with a shared lock: a gateway cannot start on it meanwhile, nor can this
   * open it while a gateway runs on it.
   *
   * @throws StoreUnavailableException naming the file when it does not exist or another process
   *     holds it
   */
  public static EmbeddedMongo openReadOnly(Path dataDir) {
    Path file = dataDir.resolve(EmbeddedMongoOptions.H2_FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new StoreUnavailableException("there is no data file at " + file, null);
    }
    MVStore store;
    try {
      store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
    } catch (MVStoreException e) {
      throw new StoreUnavailableException(
          e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED
              ? file + " is locked by another process"
              : "cannot open " + file + ": " + e.getMessage(),
          e);
    }
    MongoServer server = bind(new H2Backend(store), 0);
    int port = server.getLocalAddress().getPort();
    log.debug("opened embedded mongodb read-only [port: {}, file: {}]", port, file);
    return new EmbeddedMongo(server, port, true);
  }

  private static MongoServer bind(MongoBackend backend, int port) {
    backend.version(ReportedVersion.MONGO_5_0_WIRE_13);
    MongoServer server = new MongoServer(backend);
    try {
      server.bind("127.0.0.1", port);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    return server;
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
    if (readOnly) {
      log.debug("closed read-only embedded mongodb [port: {}]", port);
    } else {
      log.info("stopped embedded mongodb [port: {}]", port);
    }
  }
}
