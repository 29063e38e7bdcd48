package dev.entourage.store;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.StorageUnavailableException;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a process on PostgreSQL, after SQLite's {@code GroupCommitWriter}. Callers queue work; one
 * thread takes everything queued and runs it as one READ COMMITTED transaction on a kept connection: one statement
 * takes the database-wide advisory write lock and sends the change notice (delivered at commit), the pieces run one
 * after the other with no savepoint between them, what they all read is read once ({@link WriteBehind}), their
 * usage rows, rollups, additions to session totals ({@link PostgresBatchWrites}) and spend counters
 * ({@link BatchedSpendCounters}) are kept in memory and sent together in one round trip at the end, then one
 * COMMIT, and only then is each caller answered.
 *
 * <p>When a piece fails on its own account (a refusal, a constraint it broke), the transaction is rolled back and
 * the batch runs again with a savepoint per piece, each on its own view of the counters written at once: the failing
 * piece is rolled back alone (its spend with it) and its caller gets its exception, the others commit and are
 * answered once. A serialisation failure or deadlock ({@code 40001}, {@code 40P01}) anywhere rolls the whole batch
 * back and runs it again, at most {@link PostgresLedgerStore#MAX_ATTEMPTS} times: the work of a piece touches only
 * the database (callers publish their events after {@code write} returns), so running it again is safe. A failed
 * commit fails every piece.
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
    private volatile int splitBatches;
    /** What the last batch asked for, read ahead with the next one's lock. */
    private PostgresReadAhead readAhead = PostgresReadAhead.NOTHING;

    PostgresGroupCommitWriter(Jdbi jdbi, StorageFaults faults, long writeLock, String channel, String origin) {
        this.jdbi = jdbi;
        this.faults = faults;
        this.writeLock = writeLock;
        this.channel = channel;
        this.origin = origin;
        this.queue = new WriteQueue<>("entourage-writer-pg", this::commitWithRetries);
    }

    /** Queues {@code work} and waits until the transaction holding it has committed (or failed). */
    <T> T submit(Function<JdbiLedgerAccess, T> work) {
        return queue.submit(work, false);
    }

    /** How many writes wait for the writer (test hook). */
    int queued() {
        return queue.queued();
    }

    /** How many batches had to run again with a savepoint per piece (test hook). */
    int splitBatches() {
        return splitBatches;
    }

    /** How one run of a batch ended. */
    private record Outcome(boolean committed, boolean split, RuntimeException failure, boolean maybeCommitted) {
        static final Outcome COMMITTED = new Outcome(true, false, null, false);
        /** A piece failed on its own account: run the batch again, a savepoint per piece. */
        static final Outcome SPLIT = new Outcome(false, true, null, false);

        static Outcome failed(RuntimeException failure) {
            return new Outcome(false, false, failure, false);
        }

        /** The connection was lost with the COMMIT on its way: the batch may have committed; never run it again. */
        static Outcome lostAtCommit(RuntimeException failure) {
            return new Outcome(false, false, failure, true);
        }
    }

    private void commitWithRetries(List<PendingWrite<JdbiLedgerAccess, ?>> batch) {
        boolean together = true;
        for (int attempt = 1; ; attempt++) {
            Outcome outcome = together ? commitTogether(batch) : commitEachInSavepoint(batch);
            if (outcome.committed()) {
                batch.forEach(PendingWrite::complete);
                return;
            }
            if (outcome.split()) {
                splitBatches++;
                together = false;
                attempt--;
                continue;
            }
            RuntimeException failure = outcome.failure();
            if (outcome.maybeCommitted()) {
                StorageUnavailableException unknown = faults.unavailableMaybeWritten("write", failure);
                batch.forEach(write -> write.fail(unknown));
                return;
            }
            if (attempt >= PostgresLedgerStore.MAX_ATTEMPTS || !PostgresLedgerStore.retryable(failure)) {
                StorageUnavailableException unavailable = faults.unavailable("write", failure);
                batch.forEach(write -> write.fail(unavailable));
                return;
            }
            LOG.debug("Write batch of {} ran into {}; running it again", batch.size(), failure.getMessage());
        }
    }

    /**
     * Runs the batch as one transaction without savepoints: the lock and the read-ahead in one round trip, then its
     * usage rows, rollups, additions to session totals and spend counters kept in memory ({@link WriteBehind},
     * {@link PostgresBatchWrites}) and sent with the COMMIT in another (a piece's statement that cannot wait sends
     * what is kept before it).
     */
    private Outcome commitTogether(List<PendingWrite<JdbiLedgerAccess, ?>> batch) {
        PostgresBatchWrites writes = new PostgresBatchWrites();
        try {
            Handle handle = connection();
            handle.begin();
            PostgresReadAhead.Read read = readAhead.lockAndRead(sql, writeLock, channel, origin);
            BatchedSpendCounters counters = new BatchedSpendCounters(sql, read.counters());
            WriteBehind behind = new WriteBehind(sql, writes);
            behind.remember(read.sessions(), read.agents(), read.teams());
            JdbiLedgerAccess access = new JdbiLedgerAccess(() -> handle, sql, counters, behind);
            access.knowOpenHolds(read.anyOpenHold());
            try {
                for (PendingWrite<JdbiLedgerAccess, ?> write : batch) {
                    write.run(access);
                }
                counters.flushInto(writes);
                writes.commitWithNextSend();
                sql.flush();
                readAhead = PostgresReadAhead.after(behind, counters.used());
            } catch (RuntimeException e) {
                if (writes.commitSent() && PostgresLedgerStore.connectionLost(e)) {
                    return lostAtCommit(e);
                }
                boolean worthAnotherRun = !(e instanceof LedgerException) && PostgresLedgerStore.retryable(e);
                rollback();
                return worthAnotherRun ? Outcome.failed(e) : Outcome.SPLIT;
            } finally {
                if (sql != null) {
                    sql.beforeFlush(null);
                }
            }
            return commit(handle);
        } catch (RuntimeException e) {
            rollback();
            disconnect();
            readAhead = PostgresReadAhead.NOTHING;
            return Outcome.failed(e);
        }
    }

    /** Commits; a connection lost on the way leaves the outcome unknown. */
    private Outcome commit(Handle handle) {
        try {
            handle.commit();
            return Outcome.COMMITTED;
        } catch (RuntimeException e) {
            if (PostgresLedgerStore.connectionLost(e)) {
                return lostAtCommit(e);
            }
            throw e;
        }
    }

    private Outcome lostAtCommit(RuntimeException e) {
        disconnect();
        readAhead = PostgresReadAhead.NOTHING;
        return Outcome.lostAtCommit(e);
    }

    /** Runs the batch with a savepoint per piece: a piece that fails on its own account is rolled back alone. */
    private Outcome commitEachInSavepoint(List<PendingWrite<JdbiLedgerAccess, ?>> batch) {
        try {
            Handle handle = begin();
            for (PendingWrite<JdbiLedgerAccess, ?> write : batch) {
                RuntimeException broken = runInSavepoint(write, new JdbiLedgerAccess(() -> handle, sql));
                if (broken != null) {
                    rollback();
                    return Outcome.failed(broken);
                }
            }
            return commit(handle);
        } catch (RuntimeException e) {
            rollback();
            disconnect();
            return Outcome.failed(e);
        }
    }

    /** Opens the transaction on the writer's connection, takes the write lock and queues the change notice. */
    private Handle begin() {
        Handle handle = connection();
        handle.begin();
        PostgresReadAhead.NOTHING.lockAndRead(sql, writeLock, channel, origin);
        return handle;
    }

    /**
     * Runs one piece in a savepoint, on its own view of the counters (so a rolled-back piece leaves nothing behind);
     * returns what broke the whole transaction (a failed savepoint, or a failure worth running the batch again for),
     * else null, with the piece's own failure kept for its caller.
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
     * The writer's pooled connection with its statement cache, kept across batches; a new one after a batch that
     * broke. Its statements are prepared on the server from their first use (pgjdbc's {@code prepareThreshold} 1):
     * the writer runs the same few dozen statements all the time.
     */
    private Handle connection() {
        if (handle == null) {
            Handle opened = jdbi.open();
            try {
                opened.getConnection().unwrap(PGConnection.class).setPrepareThreshold(1);
            } catch (SQLException e) {
                opened.close();
                throw new PreparedCache.SqlFailure(e);
            }
            handle = opened;
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

    /** Rolls back what the transaction did; a connection that cannot even do that is dropped. */
    private void rollback() {
        try {
            if (handle != null && handle.isInTransaction()) {
                handle.rollback();
            }
        } catch (RuntimeException e) {
            disconnect();
        }
    }

    @Override
    public void close() {
        if (queue.stop()) {
            disconnect();
        }
    }
}
