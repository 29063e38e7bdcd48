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
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue and the one thread of a group-commit writer: callers queue writes and wait; the thread takes everything
 * queued (at most {@value #MAX_BATCH} at a time) and hands the batch to the store's commit, which answers every
 * piece. The store decides how a batch becomes one transaction; this class only queues, batches and shuts down.
 *
 * @param <C> what the queued work runs on
 */
final class WriteQueue<C> implements AutoCloseable {
    static final int MAX_BATCH = 512;
    private static final Logger LOG = LoggerFactory.getLogger(WriteQueue.class);

    private final BlockingQueue<PendingWrite<C, ?>> queue = new LinkedBlockingQueue<>();
    private final Consumer<List<PendingWrite<C, ?>>> commit;
    private final Thread thread;
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
        queue.add(write);
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
            try {
                PendingWrite<C, ?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit.accept(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Writer batch failed unexpectedly", e);
                LedgerException internal = new LedgerException(ErrorCode.INTERNAL,
                        "An internal error occurred; nothing was written.", Map.of(), null);
                batch.forEach(write -> write.fail(internal));
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Lets the queued writes finish (waiting up to 10 s), then refuses what is left.
     *
     * @return whether the writer's thread has ended (its connection may be closed)
     */
    boolean stop() {
        closed = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
