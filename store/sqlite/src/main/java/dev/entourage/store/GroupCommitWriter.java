package dev.entourage.store;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.StorageUnavailableException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * <p>A batch made only of yielding work (writes that may be dropped) waits at most
 * {@link #YIELDING_TIMEOUT_MILLIS} ms for another process's write lock, so that it never holds up the work queued
 * behind it for a whole busy timeout.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_BATCH = 512;
    /** How long a batch of yielding work waits for another process's write lock. */
    static final int YIELDING_TIMEOUT_MILLIS = 50;

    private final Handle handle;
    private final StorageFaults faults;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final PreparedCache statements;
    private volatile boolean closed;

    GroupCommitWriter(Handle handle, StorageFaults faults) {
        this.handle = handle;
        this.faults = faults;
        this.statements = new PreparedCache(handle.getConnection());
        this.thread = new Thread(this::run, "entourage-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues {@code work} and waits until the transaction holding it has committed (or failed).
     *
     * @param yielding whether the work may give up after {@link #YIELDING_TIMEOUT_MILLIS} ms on a busy database
     */
    <T> T submit(Function<Handle, T> work, boolean yielding) {
        Job<T> job = new Job<>(work, yielding);
        queue.add(job);
        if (closed && !thread.isAlive() && queue.remove(job)) {
            throw shuttingDown();
        }
        try {
            return job.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The statement cache of the writer's connection, for the work it runs. */
    PreparedCache statements() {
        return statements;
    }

    private void run() {
        List<Job<?>> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Job<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Writer batch failed unexpectedly", e);
                batch.forEach(job -> job.fail(internal()));
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Job<?>> batch) {
        boolean yielding = batch.stream().allMatch(job -> job.yielding);
        try {
            begin(yielding);
        } catch (SQLException e) {
            StorageUnavailableException failure = yielding
                    ? faults.unavailableQuietly("begin a yielding write transaction", e)
                    : faults.unavailable("begin a write transaction", e);
            batch.forEach(job -> job.fail(failure));
            return;
        }
        for (Job<?> job : batch) {
            if (!job.runInSavepoint(this)) {
                rollbackAndFail(batch, job.failure);
                return;
            }
        }
        try {
            sql("COMMIT");
        } catch (SQLException e) {
            rollbackAndFail(batch, faults.unavailable("commit", e));
            return;
        }
        batch.forEach(Job::complete);
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

    private void rollbackAndFail(List<Job<?>> batch, RuntimeException failure) {
        try {
            sql("ROLLBACK");
        } catch (SQLException e) {
            LOG.debug("No transaction to roll back after a failed write: {}", e.getMessage());
        }
        batch.forEach(job -> job.fail(failure));
    }

    /** Runs one of the writer's transaction statements (compiled once, like the work's). */
    private void sql(String statement) throws SQLException {
        try {
            statements.update(statement);
        } catch (PreparedCache.SqlFailure e) {
            throw e.sqlException();
        }
    }

    private static LedgerException internal() {
        return new LedgerException(ErrorCode.INTERNAL, "An internal error occurred; nothing was written.", Map.of(),
                null);
    }

    private static StorageUnavailableException shuttingDown() {
        return new StorageUnavailableException("The ledger is shutting down; nothing was written. Retry in a moment.",
                null);
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Job<?> left;
        while ((left = queue.poll()) != null) {
            left.fail(shuttingDown());
        }
        statements.close();
        handle.close();
    }

    private static final class Job<T> {
        private final Function<Handle, T> work;
        private final boolean yielding;
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private T value;
        private RuntimeException failure;

        Job(Function<Handle, T> work, boolean yielding) {
            this.work = work;
            this.yielding = yielding;
        }

        /** Runs the work; returns false only when the transaction is broken and the whole batch must go. */
        boolean runInSavepoint(GroupCommitWriter writer) {
            try {
                writer.sql("SAVEPOINT job");
            } catch (SQLException e) {
                failure = writer.faults.unavailable("open a savepoint", e);
                return false;
            }
            try {
                value = work.apply(writer.handle);
                writer.sql("RELEASE job");
                return true;
            } catch (RuntimeException | SQLException e) {
                failure = e instanceof LedgerException ledger ? ledger : writer.faults.unavailable("write", e);
                try {
                    writer.sql("ROLLBACK TO job");
                    writer.sql("RELEASE job");
                } catch (SQLException broken) {
                    LOG.debug("SQLite already undid the whole transaction: {}", broken.getMessage());
                    return false;
                }
                return true;
            }
        }

        void complete() {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        }

        void fail(RuntimeException e) {
            result.completeExceptionally(e);
        }
    }
}
