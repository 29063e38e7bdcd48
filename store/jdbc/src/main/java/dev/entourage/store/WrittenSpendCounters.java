package dev.entourage.store;

import dev.entourage.ledger.Scope;
import dev.entourage.ledger.SpendKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Spend counters written at once: each addition is one upsert (those of one charge together in one), whose
 * {@code RETURNING} total is remembered so the unit's later reads of that counter need no query. For one write unit
 * (its memory is not rolled back with it).
 */
final class WrittenSpendCounters implements SpendCounters {
    /** The most counters one query of {@link #storedAll} reads. */
    static final int MAX_KEYS_READ = 16;
    /** The query of {@link #storedAll} for 1 to {@link #MAX_KEYS_READ} counters, by their number. */
    private static final String[] READ_SOME = new String[MAX_KEYS_READ + 1];
    /** The upsert of {@link #addAll} for 1 to {@link #MAX_KEYS_READ} counters, by their number. */
    private static final String[] ADD_SOME = new String[MAX_KEYS_READ + 1];
    /** What an upsert of counter rows does with a counter that exists: adds to it. */
    static final String ADDED = " ON CONFLICT (scope, scope_id, window_key) "
            + "DO UPDATE SET spent_micros = spend_counters.spent_micros + excluded.spent_micros ";

    static {
        for (int n = 1; n <= MAX_KEYS_READ; n++) {
            READ_SOME[n] = "SELECT scope, scope_id, window_key, spent_micros FROM spend_counters "
                    + "WHERE (scope, scope_id, window_key) IN (VALUES "
                    + String.join(", ", Collections.nCopies(n, "(?, ?, ?)")) + ")";
            ADD_SOME[n] = "INSERT INTO spend_counters (scope, scope_id, window_key, spent_micros) VALUES "
                    + String.join(", ", Collections.nCopies(n, "(?, ?, ?, ?)")) + ADDED
                    + "RETURNING scope, scope_id, window_key, spent_micros";
        }
    }

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
    public Map<SpendKey, Long> spentAll(List<SpendKey> keys) {
        Map<SpendKey, Long> spent = new HashMap<>();
        List<SpendKey> unread = new ArrayList<>();
        for (SpendKey key : keys) {
            Long total = written.get(key);
            if (total != null) {
                spent.put(key, total);
            } else if (!spent.containsKey(key)) {
                spent.put(key, 0L);
                unread.add(key);
            }
        }
        if (!unread.isEmpty()) {
            storedAll(sql, unread, spent);
        }
        return spent;
    }

    @Override
    public long add(SpendKey key, long micros) {
        long total = sql.one("INSERT INTO spend_counters (scope, scope_id, window_key, spent_micros) "
                        + "VALUES (?, ?, ?, ?)" + ADDED + "RETURNING spent_micros",
                rs -> rs.getLong(1), key.scope().wireName(), key.scopeId(), key.window(), micros).orElseThrow();
        written.put(key, total);
        return total;
    }

    /** One upsert for all of {@code keys} (distinct), {@link #MAX_KEYS_READ} at a time, each total remembered. */
    @Override
    public Map<SpendKey, Long> addAll(List<SpendKey> keys, long micros) {
        if (new HashSet<>(keys).size() != keys.size()) {
            throw new IllegalArgumentException("the same counter twice: " + keys);
        }
        Map<SpendKey, Long> totals = new HashMap<>();
        for (int from = 0; from < keys.size(); from += MAX_KEYS_READ) {
            List<SpendKey> part = keys.subList(from, Math.min(keys.size(), from + MAX_KEYS_READ));
            sql.list(ADD_SOME[part.size()], rs -> totals.put(key(rs), rs.getLong(4)), parameters(part, micros));
        }
        written.putAll(totals);
        return totals;
    }

    /**
     * Puts the stored value of each of {@code keys} (distinct, at most {@link #MAX_KEYS_READ} a query) into
     * {@code into}, where there is a row: one query of row values, which both dialects plan as index lookups.
     */
    static void storedAll(PreparedCache sql, List<SpendKey> keys, Map<SpendKey, Long> into) {
        for (int from = 0; from < keys.size(); from += MAX_KEYS_READ) {
            List<SpendKey> part = keys.subList(from, Math.min(keys.size(), from + MAX_KEYS_READ));
            sql.list(READ_SOME[part.size()], rs -> into.put(key(rs), rs.getLong(4)), parameters(part, null));
        }
    }

    /** Scope, scope id and window of each key, each followed by {@code micros} unless it is null. */
    private static Object[] parameters(List<SpendKey> keys, Long micros) {
        int width = micros == null ? 3 : 4;
        Object[] parameters = new Object[keys.size() * width];
        for (int i = 0; i < keys.size(); i++) {
            parameters[width * i] = keys.get(i).scope().wireName();
            parameters[width * i + 1] = keys.get(i).scopeId();
            parameters[width * i + 2] = keys.get(i).window();
            if (micros != null) {
                parameters[width * i + 3] = micros;
            }
        }
        return parameters;
    }

    /** The counter named by the first three columns (scope, scope id, window). */
    private static SpendKey key(ResultSet rs) throws SQLException {
        return new SpendKey(Scope.ofWireName(rs.getString(1)).orElseThrow(), rs.getLong(2), rs.getString(3));
    }

    /** The counter's stored value; 0 without a row. */
    static long stored(PreparedCache sql, SpendKey key) {
        return sql.number("SELECT spent_micros FROM spend_counters WHERE scope = ? AND scope_id = ? AND window_key = ?",
                0, key.scope().wireName(), key.scopeId(), key.window());
    }
}
