package dev.entourage.ledger.access;

import dev.entourage.ledger.LedgerStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * Writes keys' {@code last_used_at} behind the requests that used them, so that no request waits for it: one
 * daemon thread (started when there is something to write, gone when idle) writes every touch queued meanwhile
 * in one {@link LedgerStore#writeUnlessBusy} transaction. When that write fails (another process holds the write
 * lock, say), it is tried again every {@link #RETRY_DELAY}; after {@link #MAX_RETRIES} failures in a row the
 * touches are dropped and {@code dropped} is told, so they are made again at the keys' next use.
 */
final class KeyTouches {
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    static final int MAX_RETRIES = 30;

    private final LedgerStore store;
    private final BiConsumer<Long, Instant> dropped;
    private final Map<Long, Instant> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ScheduledThreadPoolExecutor writer;
    /** Failed writes in a row; only the writer thread uses it. */
    private int failures;

    KeyTouches(LedgerStore store, BiConsumer<Long, Instant> dropped) {
        this.store = Objects.requireNonNull(store, "store");
        this.dropped = Objects.requireNonNull(dropped, "dropped");
        this.writer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "entourage-key-touches");
            thread.setDaemon(true);
            return thread;
        });
        this.writer.setKeepAliveTime(5, TimeUnit.SECONDS);
        this.writer.allowCoreThreadTimeOut(true);
    }

    /** Queues a write of key {@code keyId}'s {@code last_used_at} as {@code at}; returns at once. */
    void touch(long keyId, Instant at) {
        pending.merge(keyId, at, KeyTouches::later);
        if (queued.compareAndSet(false, true)) {
            writer.execute(this::flush);
        }
    }

    private void flush() {
        queued.set(false);
        Map<Long, Instant> batch = new HashMap<>();
        for (Long keyId : pending.keySet()) {
            Instant at = pending.remove(keyId);
            if (at != null) {
                batch.put(keyId, at);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.writeUnlessBusy(w -> {
                batch.forEach(w::touchApiKey);
                return null;
            });
            failures = 0;
        } catch (RuntimeException e) {
            if (++failures > MAX_RETRIES) {
                failures = 0;
                batch.forEach(dropped);
                return;
            }
            batch.forEach((keyId, at) -> pending.merge(keyId, at, KeyTouches::later));
            if (queued.compareAndSet(false, true)) {
                writer.schedule(this::flush, RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
