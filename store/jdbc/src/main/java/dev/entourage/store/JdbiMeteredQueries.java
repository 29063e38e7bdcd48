package dev.entourage.store;

import dev.entourage.ledger.MeteredCall;
import dev.entourage.ledger.MeteredCallState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's tables and columns (see {@code V9__gateway.sql}): {@code metered_calls} and the teams' key file
 * paths; {@link JdbiDelegatedQueries} delegates to it.
 */
final class JdbiMeteredQueries {
    private static final String COLUMNS = "SELECT hold_id, session_id, agent_id, team_id, source, external_id, model, "
            + "input_estimate, owner, started_at, expires_at, state, closed_at, event_id FROM metered_calls ";
    private final PreparedCache sql;

    JdbiMeteredQueries(PreparedCache sql) {
        this.sql = sql;
    }

    Optional<MeteredCall> call(String holdId) {
        return sql.one(COLUMNS + "WHERE hold_id = ?", JdbiMeteredQueries::call, holdId);
    }

    List<MeteredCall> open(int limit) {
        return sql.list(COLUMNS + "WHERE state = 'open' ORDER BY started_at, hold_id LIMIT ?",
                JdbiMeteredQueries::call, limit);
    }

    void insert(MeteredCall c) {
        sql.update("INSERT INTO metered_calls (hold_id, session_id, agent_id, team_id, source, external_id, model, "
                        + "input_estimate, owner, started_at, expires_at, state, closed_at, event_id) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", c.holdId(), c.sessionId(), c.agentId(),
                c.teamId(), c.source(), c.externalId(), c.model(), c.inputEstimate(), c.owner(),
                c.startedAt().toEpochMilli(), c.expiresAt().toEpochMilli(), c.state().wireName(),
                c.closedAt() == null ? null : c.closedAt().toEpochMilli(), c.eventId());
    }

    boolean close(String holdId, MeteredCallState state, Instant closedAt, String eventId) {
        return sql.update("UPDATE metered_calls SET state = ?, closed_at = ?, event_id = ? "
                + "WHERE hold_id = ? AND state = 'open'", state.wireName(), closedAt.toEpochMilli(), eventId,
                holdId) == 1;
    }

    Optional<String> keyFile(long teamId, String provider) {
        return sql.one("SELECT COALESCE(" + keyColumn(provider) + ", '') FROM teams WHERE id = ?",
                rs -> rs.getString(1), teamId).filter(path -> !path.isEmpty());
    }

    void setKeyFile(long teamId, String provider, String path) {
        sql.update("UPDATE teams SET " + keyColumn(provider) + " = ? WHERE id = ?", path, teamId);
    }

    private static String keyColumn(String provider) {
        switch (provider) {
            case "anthropic":
                return "anthropic_key_file";
            case "openai":
                return "openai_key_file";
            default:
                throw new IllegalArgumentException("unknown provider " + provider);
        }
    }

    private static MeteredCall call(ResultSet rs) throws SQLException {
        Long closedAt = Columns.nullableLong(rs, "closed_at");
        return new MeteredCall(rs.getString("hold_id"), rs.getLong("session_id"), rs.getLong("agent_id"),
                rs.getLong("team_id"), rs.getString("source"), rs.getString("external_id"), rs.getString("model"),
                rs.getLong("input_estimate"), rs.getString("owner"), Instant.ofEpochMilli(rs.getLong("started_at")),
                Instant.ofEpochMilli(rs.getLong("expires_at")), MeteredCallState.fromWire(rs.getString("state")),
                closedAt == null ? null : Instant.ofEpochMilli(closedAt), rs.getString("event_id"));
    }
}
