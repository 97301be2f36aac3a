package dev.tripline.bench;

import dev.tripline.gateway.store.EmbeddedMongo;
import dev.tripline.gateway.store.EmbeddedMongoOptions;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The in-memory store in a JVM of its own, as a production MongoDB runs in a process of its own.
 *
 * <p>Started in-process (the gateway's {@code mongo.embedded.backend: memory}), the stand-in keeps
 * every stored event on the gateway's heap, so the gateway's garbage collector marks and copies the
 * store's data: per-thread CPU showed G1's concurrent and parallel GC threads at about a quarter of
 * the gateway JVM's CPU in the in-memory run. Run here, the store pays for its own heap, and the
 * bench can tell the gateway's CPU from the store's. It still shares the machine's cores.
 *
 * <p>Usage: {@code StandInStore [--port 0]}; prints {@code listening on port N} and serves until
 * the process is ended.
 */
public final class StandInStore {

  private StandInStore() {}

  public static void main(String[] args) throws InterruptedException {
    int port;
    try {
      Args parsed = Args.parse(args);
      parsed.rejectUnknown(Set.of("port"));
      port = parsed.integer("port", 0, 0);
    } catch (IllegalArgumentException e) {
      System.err.println("stand-in store: " + e.getMessage());
      System.exit(2);
      return;
    }
    EmbeddedMongo store = EmbeddedMongo.start(EmbeddedMongoOptions.memory().withPort(port));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  store.close();
                  stopped.countDown();
                },
                "stand-in-store-stop"));
    System.out.println("listening on port " + store.port());
    stopped.await();
  }
}
