package dev.entourage.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the commits of unflushed batches ({@code synchronous=NORMAL}) on the disk within {@link #DELAY}, off the
 * writer's path: a thread of its own syncs the database's write-ahead log file ({@code fdatasync} of the
 * {@code -wal} file, what a {@code synchronous=FULL} commit would have done), without SQLite's write lock, so no write
 * waits for it. Several unflushed commits in one interval share one sync. A commit that SQLite made durable itself
 * (a durable batch after it, a checkpoint) is synced again needlessly, which is harmless.
 */
final class WalFlusher implements AutoCloseable {
    /** The longest an unflushed commit stays in the operating system's hands only. */
    static final Duration DELAY = Duration.ofMillis(200);
    private static final Logger LOG = LoggerFactory.getLogger(WalFlusher.class);

    private final Path wal;
    private final Thread thread;
    private final AtomicLong syncs = new AtomicLong();
    private volatile boolean due;
    private volatile boolean closed;

    /** @param database the database file; its log is the file beside it with {@code -wal} appended */
    WalFlusher(Path database) {
        this.wal = database.resolveSibling(database.getFileName() + "-wal");
        this.thread = new Thread(this::run, "entourage-wal-flusher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** An unflushed batch committed: the log is synced within {@link #DELAY}. */
    void committedUnflushed() {
        due = true;
        LockSupport.unpark(thread);
    }

    /** Test hook: how many times the log was synced. */
    long syncs() {
        return syncs.get();
    }

    private void run() {
        while (!closed) {
            if (!due) {
                LockSupport.parkNanos(this, Duration.ofSeconds(1).toNanos());
                continue;
            }
            long wakeAt = System.nanoTime() + DELAY.toNanos();
            while (!closed && System.nanoTime() < wakeAt) {
                LockSupport.parkNanos(this, wakeAt - System.nanoTime());
            }
            due = false;
            sync();
        }
    }

    private void sync() {
        try (FileChannel log = FileChannel.open(wal, StandardOpenOption.READ)) {
            log.force(false);
            syncs.incrementAndGet();
        } catch (NoSuchFileException e) {
            syncs.incrementAndGet();
        } catch (IOException e) {
            LOG.warn("Could not sync the write-ahead log {}: {}", wal, e.getMessage());
        }
    }

    /** Stops the thread and syncs what is still due. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (due) {
            due = false;
            sync();
        }
    }
}
