package dev.entourage.store;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.StorageUnavailableException;
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
    private static final int MAX_BATCH = 512;

    private final Jdbi jdbi;
    private final StorageFaults faults;
    private final long writeLock;
    private final String channel;
    private final String origin;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private Handle handle;
    private PreparedCache sql;

    PostgresGroupCommitWriter(Jdbi jdbi, StorageFaults faults, long writeLock, String channel, String origin) {
        this.jdbi = jdbi;
        this.faults = faults;
        this.writeLock = writeLock;
        this.channel = channel;
        this.origin = origin;
        this.thread = new Thread(this::run, "entourage-postgres-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues {@code work} and waits until the transaction holding it has committed (or failed). */
    <T> T submit(Function<JdbiLedgerAccess, T> work) {
        Job<T> job = new Job<>(work);
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

    /** How many writes wait for the writer (test hook). */
    int queued() {
        return queue.size();
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
                commitWithRetries(batch);
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

    private void commitWithRetries(List<Job<?>> batch) {
        for (int attempt = 1; ; attempt++) {
            RuntimeException failure = commit(batch);
            if (failure == null) {
                batch.forEach(Job::complete);
                return;
            }
            if (attempt >= PostgresLedgerStore.MAX_ATTEMPTS || !PostgresLedgerStore.retryable(failure)) {
                StorageUnavailableException unavailable = faults.unavailable("write", failure);
                batch.forEach(job -> job.fail(unavailable));
                return;
            }
        }
    }

    /** Runs the batch once; null when it committed, else what broke the whole transaction. */
    private RuntimeException commit(List<Job<?>> batch) {
        try {
            Handle handle = connection();
            try {
                handle.begin();
                sql.number("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?)) AS locked", 0, writeLock);
                JdbiLedgerAccess access = new JdbiLedgerAccess(() -> handle, sql);
                for (Job<?> job : batch) {
                    RuntimeException broken = job.runInSavepoint(sql, access);
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
        if (!thread.isAlive()) {
            disconnect();
        }
    }

    private final class Job<T> {
        private final Function<JdbiLedgerAccess, T> work;
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private T value;
        private RuntimeException failure;

        Job(Function<JdbiLedgerAccess, T> work) {
            this.work = work;
        }

        /**
         * Runs the work in a savepoint; returns what broke the whole transaction (a failed savepoint, or a
         * failure worth running the batch again for), else null, with the piece's own failure kept for its caller.
         */
        RuntimeException runInSavepoint(PreparedCache sql, JdbiLedgerAccess access) {
            value = null;
            failure = null;
            sql.update("SAVEPOINT job");
            try {
                value = work.apply(access);
                sql.update("RELEASE SAVEPOINT job");
                return null;
            } catch (RuntimeException e) {
                if (!(e instanceof LedgerException) && PostgresLedgerStore.retryable(e)) {
                    return e;
                }
                failure = e instanceof LedgerException ledger ? ledger : faults.unavailable("write", e);
                sql.update("ROLLBACK TO SAVEPOINT job");
                sql.update("RELEASE SAVEPOINT job");
                return null;
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
