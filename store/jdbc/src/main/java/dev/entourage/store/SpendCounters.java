package dev.entourage.store;

import dev.entourage.ledger.SpendKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The spend counters (table {@code spend_counters}) as one write unit sees them: what a scope has spent in a window,
 * and adding to it. {@link WrittenSpendCounters} writes each addition at once; a store's writer may instead keep
 * the additions of a whole batch and write them at its end, as long as every read sees them.
 */
interface SpendCounters {
    /** Micro-dollars counted on {@code key}, with every addition made through this object; 0 when none. */
    long spent(SpendKey key);

    /** {@link #spent} of each key; one query at most, where an implementation can. */
    default Map<SpendKey, Long> spentAll(List<SpendKey> keys) {
        Map<SpendKey, Long> spent = new HashMap<>();
        keys.forEach(key -> spent.put(key, spent(key)));
        return spent;
    }

    /** Adds {@code micros} to {@code key} (a counter at 0 when there is none yet); returns the new total. */
    long add(SpendKey key, long micros);

    /** {@link #add} of {@code micros} to each of {@code keys} (distinct); one statement at most, where it can. */
    default Map<SpendKey, Long> addAll(List<SpendKey> keys, long micros) {
        Map<SpendKey, Long> totals = new HashMap<>();
        keys.forEach(key -> totals.put(key, add(key, micros)));
        return totals;
    }
}
