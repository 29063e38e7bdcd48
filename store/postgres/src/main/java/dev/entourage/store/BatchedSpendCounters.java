package dev.entourage.store;

import dev.entourage.ledger.SpendKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The spend counters of one batch of the PostgreSQL writer, kept in memory and written with the batch's other writes
 * at its end ({@link #flushInto}). Each counter is read from the database once, on first need, and every read after
 * that is the stored value plus what the batch added: a budget check inside the batch sees the spend of the reports
 * before it in the same batch, so a batch can never overshoot a limit its pieces check. Sound only while nothing else
 * writes the counters between the read and the flush: the writer holds the database-wide write lock for the whole
 * batch. The reads run {@linkplain PreparedCache#aside aside}: nothing the batch keeps in memory touches the
 * counters. The counters the batch before used come read already, with the batch's lock
 * ({@link PostgresReadAhead}): the reports of a busy team read the same few counters batch after batch.
 */
final class BatchedSpendCounters implements SpendCounters {
    private final PreparedCache sql;
    private final Map<SpendKey, Counter> counters = new LinkedHashMap<>();
    /** Counters read before the batch began (the batch before used them), as stored then. */
    private final Map<SpendKey, Long> readAhead;

    /** @param readAhead counters read in this batch's transaction before any of its pieces ran */
    BatchedSpendCounters(PreparedCache sql, Map<SpendKey, Long> readAhead) {
        this.sql = sql;
        this.readAhead = readAhead;
    }

    /** One counter: its stored value when first read, and what this batch added (null: nothing added). */
    private static final class Counter {
        final long stored;
        Long added;

        Counter(long stored) {
            this.stored = stored;
        }

        long total() {
            return added == null ? stored : stored + added;
        }
    }

    @Override
    public long spent(SpendKey key) {
        return counter(key).total();
    }

    @Override
    public long add(SpendKey key, long micros) {
        Counter counter = counter(key);
        counter.added = counter.added == null ? micros : Math.addExact(counter.added, micros);
        return counter.total();
    }

    private Counter counter(SpendKey key) {
        Counter counter = counters.get(key);
        if (counter == null) {
            Long stored = readAhead.get(key);
            counter = new Counter(stored != null ? stored : sql.aside(() -> WrittenSpendCounters.stored(sql, key)));
            counters.put(key, counter);
        }
        return counter;
    }

    /** The counters this batch read or added to. */
    Set<SpendKey> used() {
        return counters.keySet();
    }

    /** How many counters the batch added to (what {@link #flushInto} writes). */
    int pending() {
        return (int) counters.values().stream().filter(counter -> counter.added != null).count();
    }

    /**
     * Hands every addition of the batch to {@code writes}, to be sent with its next send (a counter added to with 0
     * is created at 0).
     */
    void flushInto(PostgresBatchWrites writes) {
        int n = pending();
        if (n == 0) {
            return;
        }
        String[] scopes = new String[n];
        long[] ids = new long[n];
        String[] windows = new String[n];
        long[] added = new long[n];
        int i = 0;
        for (Map.Entry<SpendKey, Counter> entry : counters.entrySet()) {
            if (entry.getValue().added != null) {
                SpendKey key = entry.getKey();
                scopes[i] = key.scope().wireName();
                ids[i] = key.scopeId();
                windows[i] = key.window();
                added[i] = entry.getValue().added;
                i++;
            }
        }
        writes.addCounters(scopes, ids, windows, added);
    }
}
