package dev.entourage.store;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.StorageUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue and the one thread of a group-commit writer: callers queue writes and wait; the thread takes everything
 * queued (at most {@value #MAX_BATCH} at a time) and hands the batch to the store's commit, which answers every
 * piece. The store decides how a batch becomes one transaction; this class only queues, batches and shuts down.
 *
 * <p>A write that finds nothing queued and no batch running is run at once on the caller's own thread, as a batch
 * of one: an idle writer costs no hand-over to its thread and back (two wake-ups, the larger part of a quiet write's
 * latency on a busy machine). Only one batch ever runs at a time, on whichever thread.
 *
 * @param <C> what the queued work runs on
 */
final class WriteQueue<C> implements AutoCloseable {
    static final int MAX_BATCH = 512;
    /** How long the idle thread sleeps before it looks at the queue again (callers wake it when they queue). */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Logger LOG = LoggerFactory.getLogger(WriteQueue.class);

    private final BlockingQueue<PendingWrite<C, ?>> queue = new LinkedBlockingQueue<>();
    private final Consumer<List<PendingWrite<C, ?>>> commit;
    private final Thread thread;
    /** Held while a batch runs, by the writer's thread or by a caller running its own write. */
    private final ReentrantLock running = new ReentrantLock();
    private volatile boolean closed;

    /** @param commit runs a batch as one transaction and answers every piece of it */
    WriteQueue(String threadName, Consumer<List<PendingWrite<C, ?>>> commit) {
        this.commit = commit;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues {@code work} and waits until the transaction holding it has committed (or failed). */
    <T> T submit(Function<C, T> work, boolean yielding) {
        return submit(new PendingWrite<>(work, yielding));
    }

    /** Queues {@code write} and waits until the transaction holding it has committed (or failed). */
    <T> T submit(PendingWrite<C, T> write) {
        if (queue.isEmpty() && !running.isHeldByCurrentThread() && running.tryLock()) {
            try {
                if (queue.isEmpty() && !closed) {
                    commitSafely(List.of(write));
                    return write.await();
                }
            } finally {
                running.unlock();
            }
        }
        queue.add(write);
        LockSupport.unpark(thread);
        if (closed && !thread.isAlive() && queue.remove(write)) {
            throw shuttingDown();
        }
        return write.await();
    }

    /** How many writes wait for the writer. */
    int queued() {
        return queue.size();
    }

    private void run() {
        List<PendingWrite<C, ?>> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            if (queue.isEmpty()) {
                LockSupport.parkNanos(this, IDLE_NANOS);
                if (Thread.interrupted()) {
                    return;
                }
                continue;
            }
            running.lock();
            try {
                queue.drainTo(batch, MAX_BATCH);
                if (!batch.isEmpty()) {
                    commitSafely(batch);
                }
            } finally {
                running.unlock();
                batch.clear();
            }
        }
    }

    /** Runs {@code batch}; a fault the store's commit did not answer fails every piece of it. */
    private void commitSafely(List<PendingWrite<C, ?>> batch) {
        try {
            commit.accept(batch);
        } catch (RuntimeException e) {
            LOG.error("Writer batch failed unexpectedly", e);
            LedgerException internal = new LedgerException(ErrorCode.INTERNAL,
                    "An internal error occurred; nothing was written.", Map.of(), null);
            batch.forEach(write -> write.fail(internal));
        }
    }

    /**
     * Lets the queued writes finish (waiting up to 10 s), then refuses what is left.
     *
     * @return whether the writer's thread has ended (its connection may be closed)
     */
    boolean stop() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.lock();
        running.unlock();
        PendingWrite<C, ?> left;
        while ((left = queue.poll()) != null) {
            left.fail(shuttingDown());
        }
        return !thread.isAlive();
    }

    @Override
    public void close() {
        stop();
    }

    private static StorageUnavailableException shuttingDown() {
        return new StorageUnavailableException("The ledger is shutting down; nothing was written. Retry in a moment.",
                null);
    }
}
