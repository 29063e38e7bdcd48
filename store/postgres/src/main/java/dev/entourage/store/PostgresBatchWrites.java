package dev.entourage.store;

import dev.entourage.ledger.StoredUsage;
import dev.entourage.ledger.TokenCounts;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The writes of one batch of the PostgreSQL writer ({@link DeferredWrites}), sent as one statement of several parts,
 * which pgjdbc sends in one round trip: the usage rows in one multi-row INSERT from arrays ({@code unnest}), the
 * five-minute and the hour rollups each summed per row in Java first (the reports of a batch mostly add to the same
 * few rows) and upserted from arrays, the additions to session totals in one UPDATE, and, when the writer hands them
 * over at the batch's end, the spend counters' additions ({@link #addCounters}) and the COMMIT
 * ({@link #commitWithNextSend}). Only the parts with rows are sent.
 */
final class PostgresBatchWrites implements DeferredWrites {
    /** The SQL type of each of {@link JdbiLedgerAccess#USAGE_COLUMNS}. */
    private static final String[] USAGE_TYPES = {"text", "bigint", "bigint", "bigint", "bigint", "text",
            "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "text", "text", "integer", "bigint",
            "bigint", "bigint", "bigint", "bigint", "text", "text", "text", "bigint", "text", "text", "text",
            "bigint", "integer", "text", "text"};
    /** The SQL type of each of a rollup row's values ({@link JdbiRollupQueries#parameters}), then its events. */
    private static final String[] ROLLUP_TYPES = {"bigint", "bigint", "bigint", "text", "bigint", "bigint",
            "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "bigint"};
    /** Where a rollup row's sums start in its values: after the key and the agent and task. */
    private static final int ROLLUP_SUMS = 6;
    private static final String USAGE = "INSERT INTO usage_events (" + JdbiLedgerAccess.USAGE_COLUMNS + ") "
            + "SELECT * FROM " + unnest(USAGE_TYPES);
    private static final String MINUTES = JdbiRollupQueries.upsert(JdbiRollupQueries.MINUTES,
            "SELECT * FROM " + unnest(ROLLUP_TYPES));
    private static final String HOURS = JdbiRollupQueries.upsert(JdbiRollupQueries.HOURS,
            "SELECT * FROM " + unnest(ROLLUP_TYPES));
    private static final String SESSIONS = "UPDATE sessions AS s SET input_tokens = s.input_tokens + a.input, "
            + "output_tokens = s.output_tokens + a.output, "
            + "cache_creation_input_tokens = s.cache_creation_input_tokens + a.cache_creation, "
            + "cache_read_input_tokens = s.cache_read_input_tokens + a.cache_read, "
            + "cost_micros = s.cost_micros + a.cost "
            + "FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]) "
            + "AS a (id, input, output, cache_creation, cache_read, cost) WHERE s.id = a.id";
    private static final String COUNTERS = "INSERT INTO spend_counters (scope, scope_id, window_key, spent_micros) "
            + "SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::bigint[])" + WrittenSpendCounters.ADDED;

    private final List<Object[]> usage = new ArrayList<>();
    private final Map<List<Object>, Object[]> minutes = new LinkedHashMap<>();
    private final Map<List<Object>, Object[]> hours = new LinkedHashMap<>();
    private final Map<Long, long[]> sessions = new LinkedHashMap<>();
    private Object[] counters;
    private boolean commitWithNextSend;
    private boolean commitSent;

    @Override
    public void usage(StoredUsage row) {
        usage.add(JdbiLedgerAccess.usageValues(row));
        if (!row.claim()) {
            addToRollup(minutes, JdbiRollupQueries.parameters(row, JdbiRollupQueries.BUCKET_MILLIS));
            addToRollup(hours, JdbiRollupQueries.parameters(row, RollupSegments.HOUR_MILLIS));
        }
    }

    /** Adds one event's rollup values to its row's sums (agent and task are the session's, the same for all). */
    private static void addToRollup(Map<List<Object>, Object[]> rows, Object[] values) {
        Object[] sums = rows.computeIfAbsent(List.of(values[0], values[1], values[2], values[3]), key -> {
            Object[] fresh = Arrays.copyOf(values, ROLLUP_TYPES.length);
            Arrays.fill(fresh, ROLLUP_SUMS, fresh.length, 0L);
            return fresh;
        });
        for (int i = ROLLUP_SUMS; i < values.length; i++) {
            sums[i] = Math.addExact((Long) sums[i], (Long) values[i]);
        }
        sums[sums.length - 1] = (Long) sums[sums.length - 1] + 1;
    }

    @Override
    public void addToSession(long sessionId, TokenCounts tokens, long costMicros) {
        long[] sums = sessions.computeIfAbsent(sessionId, id -> new long[5]);
        sums[0] = Math.addExact(sums[0], tokens.input());
        sums[1] = Math.addExact(sums[1], tokens.output());
        sums[2] = Math.addExact(sums[2], tokens.cacheCreation());
        sums[3] = Math.addExact(sums[3], tokens.cacheRead());
        sums[4] = Math.addExact(sums[4], costMicros);
    }

    /** Keeps the spend counters' additions (counter by counter, in four arrays of one length) for the next send. */
    void addCounters(String[] scopes, long[] scopeIds, String[] windows, long[] added) {
        counters = new Object[] {scopes, scopeIds, windows, added};
    }

    /**
     * Ends the next send that has rows to write with the transaction's COMMIT, saving the commit its own round trip
     * (pgjdbc's {@code commit()} sends nothing once the server reports the transaction over).
     */
    void commitWithNextSend() {
        commitWithNextSend = true;
    }

    /**
     * Whether a send carried the COMMIT. If that send failed, the commit may have happened or not: the writer must
     * not run the batch again.
     */
    boolean commitSent() {
        return commitSent;
    }

    @Override
    public void send(PreparedCache sql) {
        StringJoiner statement = new StringJoiner("; ");
        List<Object> parameters = new ArrayList<>();
        if (!usage.isEmpty()) {
            statement.add(USAGE);
            columns(usage, USAGE_TYPES, parameters);
        }
        if (!minutes.isEmpty()) {
            statement.add(MINUTES);
            columns(new ArrayList<>(minutes.values()), ROLLUP_TYPES, parameters);
            statement.add(HOURS);
            columns(new ArrayList<>(hours.values()), ROLLUP_TYPES, parameters);
        }
        if (!sessions.isEmpty()) {
            statement.add(SESSIONS);
            sessionColumns(parameters);
        }
        if (counters != null) {
            statement.add(COUNTERS);
            parameters.addAll(Arrays.asList(counters));
        }
        usage.clear();
        minutes.clear();
        hours.clear();
        sessions.clear();
        counters = null;
        if (!parameters.isEmpty()) {
            if (commitWithNextSend) {
                statement.add("COMMIT");
                commitSent = true;
            }
            sql.update(statement.toString(), parameters.toArray());
        }
    }

    private void sessionColumns(List<Object> parameters) {
        long[] ids = new long[sessions.size()];
        long[][] sums = new long[5][sessions.size()];
        int row = 0;
        for (Map.Entry<Long, long[]> entry : sessions.entrySet()) {
            ids[row] = entry.getKey();
            for (int i = 0; i < 5; i++) {
                sums[i][row] = entry.getValue()[i];
            }
            row++;
        }
        parameters.add(ids);
        parameters.addAll(Arrays.asList(sums));
    }

    /** Adds one array per column of {@code rows} (Java arrays of the columns' types, nulls kept) to {@code into}. */
    private static void columns(List<Object[]> rows, String[] types, List<Object> into) {
        for (int column = 0; column < types.length; column++) {
            Class<?> type = switch (types[column]) {
                case "text" -> String.class;
                case "integer" -> Integer.class;
                default -> Long.class;
            };
            Object values = Array.newInstance(type, rows.size());
            for (int row = 0; row < rows.size(); row++) {
                Array.set(values, row, rows.get(row)[column]);
            }
            into.add(values);
        }
    }

    /** {@code unnest(?::t1[], ?::t2[], …)}: a table of rows from one array per column. */
    private static String unnest(String[] types) {
        StringJoiner arrays = new StringJoiner(", ", "unnest(", ")");
        for (String type : types) {
            arrays.add("?::" + type + "[]");
        }
        return arrays.toString();
    }
}
