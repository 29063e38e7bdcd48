package dev.entourage.store;

import dev.entourage.ledger.RollupRow;
import dev.entourage.ledger.StoredUsage;
import dev.entourage.ledger.TokenCounts;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The spend rollups: one row per team, bucket, session and model, in five-minute buckets (table
 * {@code spend_rollups}, migration V10) and in UTC hours (table {@code hour_rollups}, V13), both added to in the
 * transaction of each charged usage event. Reports and spend charts read a window once, in range scans of
 * {@code (team_id, bucket)} laid out by {@link RollupSegments} (a window of whole hours: one scan of the hour rows),
 * and sum the rows in Java. Portable SQL: {@code INSERT … ON CONFLICT … DO UPDATE}.
 */
final class JdbiRollupQueries {
    /** The length of a bucket. */
    static final long BUCKET_MILLIS = 300_000L;
    /** The model column's value for usage with no known model (a key column cannot be null). */
    static final String NO_MODEL = "";

    /** The five-minute rollups' table. */
    static final String MINUTES = "spend_rollups";
    /** The hour rollups' table. */
    static final String HOURS = "hour_rollups";
    private static final String ADD = upsert(MINUTES, "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)");
    private static final String ADD_HOUR = upsert(HOURS, "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)");
    private static final String ALL = "SELECT bucket, model, agent_id, cost_micros, session_id, task_id, "
            + "input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, unpriced_micros, "
            + "events FROM ";
    private static final String COST = "SELECT bucket, model, agent_id, cost_micros FROM ";
    private static final String RANGE = " WHERE team_id = ? AND bucket >= ? AND bucket < ?";

    private final PreparedCache sql;

    JdbiRollupQueries(PreparedCache sql) {
        this.sql = sql;
    }

    /**
     * Adds {@code rows} (a VALUES list or a SELECT) to {@code table}'s rows, creating the missing ones: each gives the
     * values of {@link #parameters} and then its count of events.
     */
    static String upsert(String table, String rows) {
        return "INSERT INTO " + table + " (team_id, bucket, session_id, model, agent_id, "
                + "task_id, input_tokens, output_tokens, cache_creation_input_tokens, cache_creation_1h_input_tokens, "
                + "cache_read_input_tokens, cost_micros, unpriced_micros, events) " + rows + " "
                + "ON CONFLICT (team_id, bucket, session_id, model) DO UPDATE SET "
                + "input_tokens = " + table + ".input_tokens + excluded.input_tokens, "
                + "output_tokens = " + table + ".output_tokens + excluded.output_tokens, "
                + "cache_creation_input_tokens = " + table + ".cache_creation_input_tokens "
                + "+ excluded.cache_creation_input_tokens, "
                + "cache_creation_1h_input_tokens = " + table + ".cache_creation_1h_input_tokens "
                + "+ excluded.cache_creation_1h_input_tokens, "
                + "cache_read_input_tokens = " + table + ".cache_read_input_tokens + excluded.cache_read_input_tokens, "
                + "cost_micros = " + table + ".cost_micros + excluded.cost_micros, "
                + "unpriced_micros = " + table + ".unpriced_micros + excluded.unpriced_micros, "
                + "events = " + table + ".events + excluded.events";
    }

    /** Adds one charged event to its five-minute row and to its hour row, creating them first. */
    static void add(PreparedCache sql, StoredUsage usage) {
        sql.update(ADD, parameters(usage, BUCKET_MILLIS));
        sql.update(ADD_HOUR, parameters(usage, RollupSegments.HOUR_MILLIS));
    }

    /**
     * The key (team, bucket, session, model) and then the values (agent, task, the five token counts, cost, unpriced
     * cost) of the usage's row in buckets of {@code bucketMillis}.
     */
    static Object[] parameters(StoredUsage usage, long bucketMillis) {
        TokenCounts tokens = usage.tokens();
        return new Object[] {usage.teamId(), bucket(usage, bucketMillis), usage.sessionId(), model(usage),
                usage.agentId(), usage.taskId(), tokens.input(), tokens.output(), tokens.cacheCreation(),
                tokens.cacheCreation1h(), tokens.cacheRead(), usage.costMicros(), unpricedMicros(usage)};
    }

    /** The start of the bucket of {@code bucketMillis} holding the usage's report time (epoch milliseconds). */
    private static long bucket(StoredUsage usage, long bucketMillis) {
        long at = usage.reportedAt().toEpochMilli();
        return at - Math.floorMod(at, bucketMillis);
    }

    /** The model column's value of the usage's rows. */
    private static String model(StoredUsage usage) {
        return usage.model() == null ? NO_MODEL : usage.model();
    }

    /** The usage's cost when it is unpriced, else 0. */
    private static long unpricedMicros(StoredUsage usage) {
        return usage.costSource().wireName().equals("unpriced") ? usage.costMicros() : 0L;
    }

    /** Hands {@code each} every rollup row of the window, placed in its interval: see {@code LedgerReader}. */
    void rollups(long teamId, List<Instant> edges, RollupRow.Fields fields, Consumer<RollupRow> each) {
        long[] at = edges.stream().mapToLong(Instant::toEpochMilli).toArray();
        boolean all = fields == RollupRow.Fields.ALL;
        for (RollupSegments.Segment segment : RollupSegments.of(at)) {
            String table = segment.hours() ? HOURS : MINUTES;
            sql.forEach((all ? ALL : COST) + table + RANGE, rs -> each.accept(row(rs, at, all)), teamId,
                    segment.from(), segment.to());
        }
    }

    private static RollupRow row(ResultSet rs, long[] edges, boolean all) throws SQLException {
        int found = Arrays.binarySearch(edges, rs.getLong(1));
        int interval = found >= 0 ? found : -found - 2;
        String stored = rs.getString(2);
        String model = stored.equals(NO_MODEL) ? null : stored;
        if (!all) {
            return new RollupRow(interval, 0, model, rs.getLong(3), null, rs.getLong(4), 0, 0, 0, 0, 0, 0);
        }
        return new RollupRow(interval, rs.getLong(5), model, rs.getLong(3), Columns.nullableLong(rs, 6),
                rs.getLong(4), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11),
                rs.getLong(12));
    }
}
