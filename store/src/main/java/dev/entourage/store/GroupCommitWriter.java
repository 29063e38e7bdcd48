package dev.entourage.store;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.StorageUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a process. Callers queue work; one thread takes everything queued, runs each piece in
 * its own savepoint inside one transaction, commits once, and only then answers each caller. A piece that
 * fails is rolled back alone; a failed commit fails every piece of it. Each piece sees the writes of the
 * pieces before it, so budget decisions stay exact while fsyncs are shared.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_BATCH = 512;

    private final Handle handle;
    private final StorageFaults faults;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    GroupCommitWriter(Handle handle, StorageFaults faults) {
        this.handle = handle;
        this.faults = faults;
        this.thread = new Thread(this::run, "entourage-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues {@code work} and waits until the transaction holding it has committed (or failed). */
    <T> T submit(Function<Handle, T> work) {
        if (closed) {
            throw new StorageUnavailableException("The ledger is shutting down; retry in a moment.", null);
        }
        Job<T> job = new Job<>(work);
        queue.add(job);
        try {
            return job.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
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
        try {
            handle.begin();
        } catch (RuntimeException e) {
            StorageUnavailableException failure = faults.unavailable("begin a write transaction", e);
            batch.forEach(job -> job.fail(failure));
            return;
        }
        List<Job<?>> done = new ArrayList<>(batch.size());
        for (Job<?> job : batch) {
            if (!job.runInSavepoint(handle, faults)) {
                rollbackAndFail(batch, job.failure);
                return;
            }
            done.add(job);
        }
        try {
            handle.commit();
        } catch (RuntimeException e) {
            rollbackAndFail(batch, faults.unavailable("commit", e));
            return;
        }
        done.forEach(Job::complete);
    }

    private void rollbackAndFail(List<Job<?>> batch, RuntimeException failure) {
        try {
            handle.rollback();
        } catch (RuntimeException e) {
            LOG.warn("Rollback after a failed write also failed: {}", e.getClass().getSimpleName());
        }
        batch.forEach(job -> job.fail(failure));
    }

    private static LedgerException internal() {
        return new LedgerException(ErrorCode.INTERNAL, "An internal error occurred; nothing was written.", Map.of(),
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
        handle.close();
    }

    private static final class Job<T> {
        private final Function<Handle, T> work;
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private T value;
        private RuntimeException failure;

        Job(Function<Handle, T> work) {
            this.work = work;
        }

        /** Runs the work; returns false only when the transaction is broken and the whole batch must go. */
        boolean runInSavepoint(Handle handle, StorageFaults faults) {
            Connection connection = handle.getConnection();
            Savepoint savepoint;
            try {
                savepoint = connection.setSavepoint();
            } catch (SQLException e) {
                failure = faults.unavailable("open a savepoint", e);
                return false;
            }
            try {
                value = work.apply(handle);
                connection.releaseSavepoint(savepoint);
                return true;
            } catch (RuntimeException | SQLException e) {
                failure = e instanceof LedgerException ledger ? ledger : faults.unavailable("write", e);
                try {
                    connection.rollback(savepoint);
                    connection.releaseSavepoint(savepoint);
                } catch (SQLException broken) {
                    failure = faults.unavailable("undo a failed write", broken);
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
