package dev.entourage.store;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.HookState;
import dev.entourage.ledger.Session;
import java.time.Instant;
import java.util.Optional;

/**
 * The captured sessions' columns (source, external id, place, API errors, metric series) and the hook state, over
 * the hot-path statement cache; {@link JdbiLedgerAccess} delegates to it.
 */
final class JdbiCaptureQueries {
    private final PreparedCache sql;

    JdbiCaptureQueries(PreparedCache sql) {
        this.sql = sql;
    }

    Optional<Session> sessionByExternalId(long agentId, String source, String externalId) {
        return sql.one("SELECT " + JdbiLedgerAccess.SESSION_COLUMNS
                        + "WHERE s.agent_id = ? AND s.source = ? AND s.external_id = ?", JdbiLedgerAccess::session,
                agentId, source, externalId);
    }

    long insertExternalSession(Agent agent, Long taskId, String source, String externalId, Instant startedAt) {
        return sql.one("INSERT INTO sessions (agent_id, team_id, task_id, status, started_at, source, external_id) "
                        + "VALUES (?, ?, ?, 'active', ?, ?, ?) RETURNING id", rs -> rs.getLong(1),
                agent.id(), agent.teamId(), taskId, startedAt.toEpochMilli(), source, externalId).orElseThrow();
    }

    void reopenSession(long sessionId) {
        sql.update("UPDATE sessions SET status = 'active', ended_at = NULL WHERE id = ? AND status = 'ended'",
                sessionId);
    }

    void placeSession(long sessionId, String cwd, String gitBranch) {
        sql.update("UPDATE sessions SET cwd = COALESCE(cwd, ?), git_branch = COALESCE(git_branch, ?) WHERE id = ?",
                cwd, gitBranch, sessionId);
    }

    void addCapturedCost(long sessionId, long costMicros) {
        sql.update("UPDATE sessions SET captured = 1, captured_cost_micros = captured_cost_micros + ? WHERE id = ?",
                costMicros, sessionId);
    }

    void addApiErrors(long sessionId, int count) {
        sql.update("UPDATE sessions SET api_errors = api_errors + ? WHERE id = ?", count, sessionId);
    }

    void addMetric(long sessionId, String seriesKey, long micros, boolean cumulative) {
        sql.update("INSERT INTO metric_series (session_id, series_key, value_micros) VALUES (?, ?, ?) "
                        + "ON CONFLICT (session_id, series_key) DO UPDATE SET value_micros = "
                        + "CASE WHEN ? = 1 THEN excluded.value_micros ELSE metric_series.value_micros + excluded.value_micros END",
                sessionId, seriesKey, micros, cumulative ? 1 : 0);
        sql.update("UPDATE sessions SET metric_cost_micros = (SELECT SUM(value_micros) FROM metric_series "
                + "WHERE session_id = ?) WHERE id = ?", sessionId, sessionId);
    }

    HookState hookState(long sessionId) {
        return sql.one("SELECT last_tool_key, tool_repeats, context_percent FROM sessions WHERE id = ?",
                rs -> new HookState(rs.getString(1), rs.getInt(2), rs.getInt(3)), sessionId).orElse(HookState.NONE);
    }

    void saveHookState(long sessionId, HookState state) {
        sql.update("UPDATE sessions SET last_tool_key = ?, tool_repeats = ?, context_percent = ? WHERE id = ?",
                state.lastToolKey(), state.repeats(), state.contextPercent(), sessionId);
    }
}
