package dev.entourage.store;

import dev.entourage.ledger.SpendKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spend counters of one batch of the PostgreSQL writer, kept in memory and written in one statement at its end
 * ({@link #flush}). Each counter is read from the database once, on first need, and every read after that is the
 * stored value plus what the batch added: a budget check inside the batch sees the spend of the reports before it
 * in the same batch, so a batch can never overshoot a limit its pieces check. Sound only while nothing else writes
 * the counters between the read and the flush: the writer holds the database-wide write lock for the whole batch.
 * The reads run {@linkplain PreparedCache#aside aside}: nothing the batch defers touches the counters.
 */
final class BatchedSpendCounters implements SpendCounters {
    private static final String ADD_ALL = "INSERT INTO spend_counters (scope, scope_id, window_key, spent_micros) "
            + "SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::bigint[]) "
            + "ON CONFLICT (scope, scope_id, window_key) "
            + "DO UPDATE SET spent_micros = spend_counters.spent_micros + excluded.spent_micros";

    private final PreparedCache sql;
    private final Map<SpendKey, Counter> counters = new LinkedHashMap<>();

    BatchedSpendCounters(PreparedCache sql) {
        this.sql = sql;
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
        return counters.computeIfAbsent(key, k -> new Counter(sql.aside(() -> WrittenSpendCounters.stored(sql, k))));
    }

    /** How many counters the batch added to (what {@link #flush} writes). */
    int pending() {
        return (int) counters.values().stream().filter(counter -> counter.added != null).count();
    }

    /** Writes every addition of the batch in one upsert (a counter added to with 0 is created at 0). */
    void flush() {
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
        sql.update(ADD_ALL, scopes, ids, windows, added);
    }
}
