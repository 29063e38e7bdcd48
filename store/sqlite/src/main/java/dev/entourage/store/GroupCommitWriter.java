package dev.entourage.store;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerStore;
import dev.entourage.ledger.StorageUnavailableException;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.sqlite.SQLiteConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a process. Callers queue work; one thread takes everything queued, runs each piece in
 * its own savepoint inside one transaction, commits once, and only then answers each caller. A piece that
 * fails is rolled back alone; a failed commit fails every piece of it. Each piece sees the writes of the
 * pieces before it, so budget decisions stay exact while fsyncs are shared.
 *
 * <p>The connection stays in auto-commit mode and transactions are driven with plain SQL
 * ({@code BEGIN IMMEDIATE}, {@code SAVEPOINT}, {@code COMMIT}, {@code ROLLBACK}): the driver's own
 * transaction bookkeeping goes wrong when {@code BEGIN} fails on a busy database, and would then commit
 * statements one by one.
 *
 * <p>A batch made only of unflushed work ({@link LedgerStore#writeUnflushed}) commits with
 * {@code synchronous=NORMAL}: in WAL mode the commit is in the OS's hands at once (a killed process loses nothing) and
 * reaches the disk within {@link WalFlusher#DELAY} ({@link WalFlusher}), or sooner with the next durable commit; every
 * other batch commits with {@code synchronous=FULL}.
 *
 * <p>A batch made only of yielding work (writes that may be dropped) waits at most
 * {@link #YIELDING_TIMEOUT_MILLIS} ms for another process's write lock, so that it never holds up the work queued
 * behind it for a whole busy timeout.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    /** How long a batch of yielding work waits for another process's write lock. */
    static final int YIELDING_TIMEOUT_MILLIS = 50;

    private final Handle handle;
    private final StorageFaults faults;
    private final PreparedCache statements;
    private final WriteQueue<Handle> queue;
    private final WalFlusher flusher;
    private boolean synchronousNormal;

    GroupCommitWriter(Handle handle, StorageFaults faults, WalFlusher flusher) {
        this.handle = handle;
        this.faults = faults;
        this.flusher = flusher;
        this.statements = new PreparedCache(handle.getConnection());
        this.queue = new WriteQueue<>("entourage-writer", this::commit);
    }

    /**
     * Queues {@code work} and waits until the transaction holding it has committed (or failed).
     *
     * @param yielding whether the work may give up after {@link #YIELDING_TIMEOUT_MILLIS} ms on a busy database
     */
    <T> T submit(Function<Handle, T> work, boolean yielding) {
        return queue.submit(work, yielding);
    }

    /** Queues {@code work} and waits until the transaction holding it has committed, not until it is on the disk. */
    <T> T submitUnflushed(Function<Handle, T> work) {
        return queue.submit(new PendingWrite<>(work, false, false));
    }

    /** How many writes wait for the writer. */
    int queued() {
        return queue.queued();
    }

    /** Test hook: how many times the write-ahead log was synced after unflushed commits. */
    long walSyncs() {
        return flusher.syncs();
    }

    /** The statement cache of the writer's connection, for the work it runs. */
    PreparedCache statements() {
        return statements;
    }

    private void commit(List<PendingWrite<Handle, ?>> batch) {
        boolean yielding = batch.stream().allMatch(PendingWrite::yielding);
        try {
            synchronous(batch.stream().noneMatch(PendingWrite::flushed));
            begin(yielding);
        } catch (SQLException e) {
            StorageUnavailableException failure = yielding
                    ? faults.unavailableQuietly("begin a yielding write transaction", e)
                    : faults.unavailable("begin a write transaction", e);
            batch.forEach(write -> write.fail(failure));
            return;
        }
        for (PendingWrite<Handle, ?> write : batch) {
            if (!runInSavepoint(write)) {
                rollbackAndFail(batch, write.failure());
                return;
            }
        }
        try {
            sql("COMMIT");
        } catch (SQLException e) {
            rollbackAndFail(batch, faults.unavailable("commit", e));
            return;
        }
        if (synchronousNormal) {
            flusher.committedUnflushed();
        }
        batch.forEach(PendingWrite::complete);
    }

    /** Runs one piece; returns false only when the transaction is broken and the whole batch must go. */
    private boolean runInSavepoint(PendingWrite<Handle, ?> write) {
        try {
            sql("SAVEPOINT job");
        } catch (SQLException e) {
            write.failed(faults.unavailable("open a savepoint", e));
            return false;
        }
        try {
            write.run(handle);
            sql("RELEASE job");
            return true;
        } catch (RuntimeException | SQLException e) {
            write.failed(e instanceof LedgerException ? (LedgerException) e : faults.unavailable("write", e));
            try {
                sql("ROLLBACK TO job");
                sql("RELEASE job");
            } catch (SQLException broken) {
                LOG.debug("SQLite already undid the whole transaction: {}", broken.getMessage());
                return false;
            }
            return true;
        }
    }

    /** Sets {@code synchronous} to NORMAL for a batch that need not wait for the disk, else back to FULL. */
    private void synchronous(boolean normal) throws SQLException {
        if (normal != synchronousNormal) {
            sql(normal ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL");
            synchronousNormal = normal;
        }
    }

    /** {@code BEGIN IMMEDIATE}; for a yielding batch with a short busy timeout, then the usual one again. */
    private void begin(boolean yielding) throws SQLException {
        if (!yielding) {
            sql("BEGIN IMMEDIATE");
            return;
        }
        SQLiteConnection connection = handle.getConnection().unwrap(SQLiteConnection.class);
        int usual = connection.getBusyTimeout();
        connection.setBusyTimeout(YIELDING_TIMEOUT_MILLIS);
        try {
            sql("BEGIN IMMEDIATE");
        } finally {
            connection.setBusyTimeout(usual);
        }
    }

    private void rollbackAndFail(List<PendingWrite<Handle, ?>> batch, RuntimeException failure) {
        try {
            sql("ROLLBACK");
        } catch (SQLException e) {
            LOG.debug("No transaction to roll back after a failed write: {}", e.getMessage());
        }
        batch.forEach(write -> write.fail(failure));
    }

    /** Runs one of the writer's transaction statements (compiled once, like the work's). */
    private void sql(String statement) throws SQLException {
        try {
            statements.update(statement);
        } catch (PreparedCache.SqlFailure e) {
            throw e.sqlException();
        }
    }

    @Override
    public void close() {
        queue.stop();
        flusher.close();
        statements.close();
        handle.close();
    }
}
