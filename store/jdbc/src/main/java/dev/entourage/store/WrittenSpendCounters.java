package dev.entourage.store;

import dev.entourage.ledger.SpendKey;
import java.util.HashMap;
import java.util.Map;

/**
 * Spend counters written at once: each addition is one upsert, whose {@code RETURNING} total is remembered so the
 * unit's later reads of that counter need no query. For one write unit (its memory is not rolled back with it).
 */
final class WrittenSpendCounters implements SpendCounters {
    private final PreparedCache sql;
    private final Map<SpendKey, Long> written = new HashMap<>();

    WrittenSpendCounters(PreparedCache sql) {
        this.sql = sql;
    }

    @Override
    public long spent(SpendKey key) {
        Long total = written.get(key);
        return total != null ? total : stored(sql, key);
    }

    @Override
    public long add(SpendKey key, long micros) {
        long total = sql.one("INSERT INTO spend_counters (scope, scope_id, window_key, spent_micros) "
                        + "VALUES (?, ?, ?, ?) ON CONFLICT (scope, scope_id, window_key) "
                        + "DO UPDATE SET spent_micros = spend_counters.spent_micros + excluded.spent_micros "
                        + "RETURNING spent_micros",
                rs -> rs.getLong(1), key.scope().wireName(), key.scopeId(), key.window(), micros).orElseThrow();
        written.put(key, total);
        return total;
    }

    /** The counter's stored value; 0 without a row. */
    static long stored(PreparedCache sql, SpendKey key) {
        return sql.number("SELECT spent_micros FROM spend_counters WHERE scope = ? AND scope_id = ? AND window_key = ?",
                0, key.scope().wireName(), key.scopeId(), key.window());
    }
}
