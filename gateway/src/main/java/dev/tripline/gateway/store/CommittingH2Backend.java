package dev.tripline.gateway.store;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.h2.mvstore.MVStore;

/**
 * An H2 backend that commits every change before the server replies to the command that made it.
 *
 * <p>The library's H2 backend lets the MVStore auto-commit about a second after the reply, so a
 * killed process loses acknowledged writes. Here the store is opened with auto-commit disabled and
 * every command that left unsaved changes commits them before its reply is sent.
 *
 * <p>Commands run under a shared lock and the commit under the exclusive one, so a commit never
 * captures half of another command (say, a unique-index entry without its document, which would
 * turn a later re-send into a false duplicate). One commit covers everything written so far:
 * concurrent writers that finish while a commit is running find nothing left to commit, which is
 * what makes the commit cheap under load (group commit).
 */
final class CommittingH2Backend extends H2Backend {

  private final MVStore store;
  private final boolean syncOnCommit;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  CommittingH2Backend(MVStore store, boolean syncOnCommit) {
    super(store);
    this.store = store;
    this.syncOnCommit = syncOnCommit;
  }

  /**
   * Every wire command passes here (OP_MSG through {@code handleMessage}, legacy OP_QUERY commands
   * directly), so this is the one place that needs to commit.
   */
  @Override
  public Document handleCommand(
      Channel channel, String databaseName, String command, Document query) {
    lock.readLock().lock();
    boolean outermost = lock.getReadHoldCount() == 1;
    try {
      return super.handleCommand(channel, databaseName, command, query);
    } finally {
      lock.readLock().unlock();
      // also after a failed command: whatever it changed must not linger uncommitted
      if (outermost) {
        commitPending();
      }
    }
  }

  private void commitPending() {
    lock.writeLock().lock();
    try {
      if (store.hasUnsavedChanges()) {
        store.commit();
        if (syncOnCommit) {
          store.sync();
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      super.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
