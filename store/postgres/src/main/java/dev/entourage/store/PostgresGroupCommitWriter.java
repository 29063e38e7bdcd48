package dev.entourage.store;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.StorageUnavailableException;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a process on PostgreSQL, after SQLite's {@code GroupCommitWriter}. Callers queue work; one
 * thread takes everything queued, opens one READ COMMITTED transaction on a pooled connection, takes the
 * database-wide advisory write lock, runs each piece in its own savepoint, sends one change notice, commits once,
 * and only then answers each caller. A piece that throws is rolled back alone and its caller gets its exception;
 * a failed commit fails every piece. A serialisation failure or deadlock ({@code 40001}, {@code 40P01}) anywhere
 * in the batch rolls the whole batch back and runs it again, at most {@link PostgresLedgerStore#MAX_ATTEMPTS}
 * times: the work of a piece touches only the database (callers publish their events after {@code write}
 * returns), so running it again is safe.
 */
final class PostgresGroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresGroupCommitWriter.class);

    private final Jdbi jdbi;
    private final StorageFaults faults;
    private final long writeLock;
    private final String channel;
    private final String origin;
    private final WriteQueue<JdbiLedgerAccess> queue;
    private Handle handle;
    private PreparedCache sql;

    PostgresGroupCommitWriter(Jdbi jdbi, StorageFaults faults, long writeLock, String channel, String origin) {
        this.jdbi = jdbi;
        this.faults = faults;
        this.writeLock = writeLock;
        this.channel = channel;
        this.origin = origin;
        this.queue = new WriteQueue<>("entourage-postgres-writer", this::commitWithRetries);
    }

    /** Queues {@code work} and waits until the transaction holding it has committed (or failed). */
    <T> T submit(Function<JdbiLedgerAccess, T> work) {
        return queue.submit(work, false);
    }

    /** How many writes wait for the writer (test hook). */
    int queued() {
        return queue.queued();
    }

    private void commitWithRetries(List<PendingWrite<JdbiLedgerAccess, ?>> batch) {
        for (int attempt = 1; ; attempt++) {
            RuntimeException failure = commit(batch);
            if (failure == null) {
                batch.forEach(PendingWrite::complete);
                return;
            }
            if (attempt >= PostgresLedgerStore.MAX_ATTEMPTS || !PostgresLedgerStore.retryable(failure)) {
                StorageUnavailableException unavailable = faults.unavailable("write", failure);
                batch.forEach(write -> write.fail(unavailable));
                return;
            }
        }
    }

    /** Runs the batch once; null when it committed, else what broke the whole transaction. */
    private RuntimeException commit(List<PendingWrite<JdbiLedgerAccess, ?>> batch) {
        try {
            Handle handle = connection();
            try {
                handle.begin();
                sql.number("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?)) AS locked", 0, writeLock);
                JdbiLedgerAccess access = new JdbiLedgerAccess(() -> handle, sql);
                for (PendingWrite<JdbiLedgerAccess, ?> write : batch) {
                    RuntimeException broken = runInSavepoint(write, access);
                    if (broken != null) {
                        rollback(handle);
                        return broken;
                    }
                }
                sql.number("SELECT 1 FROM (SELECT pg_notify(?, ?)) AS sent", 0, channel, origin);
                handle.commit();
                return null;
            } catch (RuntimeException e) {
                rollback(handle);
                disconnect();
                return e;
            }
        } catch (RuntimeException e) {
            disconnect();
            return e;
        }
    }

    /**
     * Runs one piece in a savepoint; returns what broke the whole transaction (a failed savepoint, or a failure
     * worth running the batch again for), else null, with the piece's own failure kept for its caller.
     */
    private RuntimeException runInSavepoint(PendingWrite<JdbiLedgerAccess, ?> write, JdbiLedgerAccess access) {
        sql.update("SAVEPOINT job");
        try {
            write.run(access);
            sql.update("RELEASE SAVEPOINT job");
            return null;
        } catch (RuntimeException e) {
            if (!(e instanceof LedgerException) && PostgresLedgerStore.retryable(e)) {
                return e;
            }
            write.failed(e instanceof LedgerException ? (LedgerException) e : faults.unavailable("write", e));
            sql.update("ROLLBACK TO SAVEPOINT job");
            sql.update("RELEASE SAVEPOINT job");
            return null;
        }
    }

    /**
     * The writer's pooled connection with its statement cache, kept across batches (so the server's prepared
     * statements are reused); a new one after a batch that broke.
     */
    private Handle connection() {
        if (handle == null) {
            handle = jdbi.open();
            sql = new PreparedCache(handle.getConnection(), false);
        }
        return handle;
    }

    private void disconnect() {
        if (handle != null) {
            try {
                sql.close();
                handle.close();
            } catch (RuntimeException e) {
                LOG.debug("Could not close the writer's connection: {}", e.getMessage());
            }
            handle = null;
            sql = null;
        }
    }

    private static void rollback(Handle handle) {
        try {
            if (handle.isInTransaction()) {
                handle.rollback();
            }
        } catch (RuntimeException ignored) {
            // the connection is gone; the server rolls back what it held, and the pool drops it
        }
    }

    @Override
    public void close() {
        if (queue.stop()) {
            disconnect();
        }
    }
}
