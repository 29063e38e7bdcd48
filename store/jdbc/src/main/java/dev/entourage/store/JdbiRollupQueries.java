package dev.entourage.store;

import dev.entourage.ledger.SpendSum;
import dev.entourage.ledger.StoredUsage;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UnpricedSpend;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The spend rollups (table {@code spend_rollups}, migration V10): one row per team, five-minute bucket, session and
 * model, added to in the transaction of each charged usage event and read by reports and spend charts as one range
 * scan of {@code (team_id, bucket)} per interval (a chart of today: one scan grouped by bucket). Portable SQL:
 * {@code INSERT … ON CONFLICT … DO UPDATE}.
 */
final class JdbiRollupQueries {
    /** The length of a bucket. */
    static final long BUCKET_MILLIS = 300_000L;
    /** The model column's value for usage with no known model (a key column cannot be null). */
    static final String NO_MODEL = "";

    private static final String ADD = "INSERT INTO spend_rollups (team_id, bucket, session_id, model, agent_id, "
            + "task_id, input_tokens, output_tokens, cache_creation_input_tokens, cache_creation_1h_input_tokens, "
            + "cache_read_input_tokens, cost_micros, unpriced_micros, events) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) "
            + "ON CONFLICT (team_id, bucket, session_id, model) DO UPDATE SET "
            + "input_tokens = spend_rollups.input_tokens + excluded.input_tokens, "
            + "output_tokens = spend_rollups.output_tokens + excluded.output_tokens, "
            + "cache_creation_input_tokens = spend_rollups.cache_creation_input_tokens "
            + "+ excluded.cache_creation_input_tokens, "
            + "cache_creation_1h_input_tokens = spend_rollups.cache_creation_1h_input_tokens "
            + "+ excluded.cache_creation_1h_input_tokens, "
            + "cache_read_input_tokens = spend_rollups.cache_read_input_tokens + excluded.cache_read_input_tokens, "
            + "cost_micros = spend_rollups.cost_micros + excluded.cost_micros, "
            + "unpriced_micros = spend_rollups.unpriced_micros + excluded.unpriced_micros, "
            + "events = spend_rollups.events + 1";
    private static final String SUMS = "SUM(r.cost_micros) AS cost, SUM(r.input_tokens) AS input, "
            + "SUM(r.output_tokens) AS output, SUM(r.cache_creation_input_tokens) AS cache_creation, "
            + "SUM(r.cache_read_input_tokens) AS cache_read, SUM(r.unpriced_micros) AS unpriced, "
            + "SUM(r.events) AS events, COUNT(DISTINCT r.session_id) AS sessions";

    private final Handle handle;
    private final PreparedCache sql;

    JdbiRollupQueries(Handle handle, PreparedCache sql) {
        this.handle = handle;
        this.sql = sql;
    }

    /** Adds one charged event to its bucket's row, creating the row first. */
    static void add(PreparedCache sql, StoredUsage usage) {
        TokenCounts tokens = usage.tokens();
        long at = usage.reportedAt().toEpochMilli();
        sql.update(ADD, usage.teamId(), at - Math.floorMod(at, BUCKET_MILLIS), usage.sessionId(),
                usage.model() == null ? NO_MODEL : usage.model(), usage.agentId(), usage.taskId(),
                tokens.input(), tokens.output(), tokens.cacheCreation(), tokens.cacheCreation1h(), tokens.cacheRead(),
                usage.costMicros(), usage.costSource().wireName().equals("unpriced") ? usage.costMicros() : 0L);
    }

    List<SpendSum> spendSums(long teamId, List<Instant> edges, SpendSum.By by) {
        String group = switch (by) {
            case TOTAL -> "";
            case AGENT -> ", r.agent_id, a.name";
            case MODEL -> ", r.model";
            case TASK -> ", r.task_id, t.title";
        };
        String join = switch (by) {
            case AGENT -> " JOIN agents a ON a.id = r.agent_id";
            case TASK -> " LEFT JOIN tasks t ON t.id = r.task_id";
            default -> "";
        };
        String range = " FROM spend_rollups r" + join + " WHERE r.team_id = :team_id AND r.bucket >= :from "
                + "AND r.bucket < :to";
        if (oneBucketEach(edges)) {
            long from = edges.get(0).toEpochMilli();
            return handle.createQuery("SELECT (r.bucket - :from) / " + BUCKET_MILLIS + " AS i" + group + ", " + SUMS
                            + range + " GROUP BY r.bucket" + group + " ORDER BY r.bucket" + group)
                    .bind("team_id", teamId).bind("from", from).bind("to", edges.get(edges.size() - 1).toEpochMilli())
                    .map((rs, ctx) -> sum(rs, rs.getInt(1), id(rs, by), name(rs, by))).list();
        }
        String perInterval = "SELECT 0 AS i" + group + ", " + SUMS + " FROM spend_rollups r" + join
                + " WHERE r.team_id = ? AND r.bucket >= ? AND r.bucket < ?" + (group.isEmpty() ? " HAVING COUNT(*) > 0"
                : " GROUP BY " + group.substring(2) + " ORDER BY " + group.substring(2));
        List<SpendSum> sums = new ArrayList<>();
        for (int i = 0; i + 1 < edges.size(); i++) {
            int interval = i;
            sums.addAll(sql.list(perInterval, rs -> sum(rs, interval, id(rs, by), name(rs, by)), teamId,
                    edges.get(i).toEpochMilli(), edges.get(i + 1).toEpochMilli()));
        }
        return sums;
    }

    /** The unpriced spend of a team's range (bucket-aligned edges), by session and model, from the rollups. */
    List<UnpricedSpend.Line> unpricedSums(long teamId, Instant from, Instant to) {
        return sql.list("SELECT session_id, model, SUM(unpriced_micros) AS unpriced FROM spend_rollups "
                        + "WHERE team_id = ? AND bucket >= ? AND bucket < ? AND unpriced_micros > 0 "
                        + "GROUP BY session_id, model ORDER BY session_id, model",
                rs -> new UnpricedSpend.Line(rs.getLong("session_id"), model(rs.getString("model")),
                        rs.getLong("unpriced")), teamId, from.toEpochMilli(), to.toEpochMilli());
    }

    /** Whether each interval is one bucket (a chart of today): then rows group by bucket, without the edges. */
    private static boolean oneBucketEach(List<Instant> edges) {
        for (int i = 0; i < edges.size(); i++) {
            if (edges.get(i).toEpochMilli() != edges.get(0).toEpochMilli() + i * BUCKET_MILLIS
                    || Math.floorMod(edges.get(i).toEpochMilli(), BUCKET_MILLIS) != 0) {
                return false;
            }
        }
        return true;
    }

    List<SpendSum> sessionSums(long teamId, Instant from, Instant to, SpendSum after, int limit) {
        String keyset = after == null ? "" : " HAVING SUM(r.cost_micros) < :cost "
                + "OR (SUM(r.cost_micros) = :cost AND r.session_id > :session_id)";
        Query query = handle.createQuery("SELECT r.session_id, MIN(r.model) AS model, " + SUMS
                        + " FROM spend_rollups r WHERE r.team_id = :team_id AND r.bucket >= :from AND r.bucket < :to "
                        + "GROUP BY r.session_id" + keyset + " ORDER BY cost DESC, r.session_id LIMIT :limit")
                .bind("team_id", teamId).bind("from", from.toEpochMilli()).bind("to", to.toEpochMilli())
                .bind("limit", limit);
        if (after != null) {
            query.bind("cost", after.costMicros()).bind("session_id", after.id());
        }
        return query.map((rs, ctx) -> sum(rs, 0, rs.getLong("session_id"), model(rs.getString("model")))).list();
    }

    private static Long id(ResultSet rs, SpendSum.By by) throws SQLException {
        return switch (by) {
            case AGENT -> rs.getLong("agent_id");
            case TASK -> Columns.nullableLong(rs, "task_id");
            default -> null;
        };
    }

    private static String name(ResultSet rs, SpendSum.By by) throws SQLException {
        return switch (by) {
            case AGENT -> rs.getString("name");
            case MODEL -> model(rs.getString("model"));
            case TASK -> rs.getString("title");
            default -> null;
        };
    }

    private static String model(String stored) {
        return stored == null || stored.equals(NO_MODEL) ? null : stored;
    }

    private static SpendSum sum(ResultSet rs, int interval, Long id, String name) throws SQLException {
        return new SpendSum(interval, id, name, rs.getLong("cost"), rs.getLong("input"), rs.getLong("output"),
                rs.getLong("cache_creation"), rs.getLong("cache_read"), rs.getLong("unpriced"), rs.getLong("events"),
                rs.getInt("sessions"));
    }
}
