package dev.entourage.store;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.UsageEntry;
import dev.entourage.ledger.UsageSlot;
import dev.entourage.ledger.events.ChangeMarker;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The dashboard's and the reports' reads over one Jdbi handle (team-wide lists, usage in time slots, change
 * markers); {@link JdbiLedgerAccess} delegates to it.
 */
final class JdbiReportQueries {
    private static final long SLOT_MILLIS = UsageSlot.SECONDS * 1000L;

    private final Handle handle;

    JdbiReportQueries(Handle handle) {
        this.handle = handle;
    }

    List<Agent> agents(long teamId) {
        return handle.createQuery("SELECT " + JdbiSettingsQueries.AGENT_COLUMNS
                        + " FROM agents WHERE team_id = :team_id ORDER BY name")
                .bind("team_id", teamId)
                .map((rs, ctx) -> JdbiSettingsQueries.agent(rs)).list();
    }

    List<Session> teamSessions(long teamId, boolean active, int limit) {
        return handle.createQuery("SELECT " + JdbiLedgerAccess.SESSION_COLUMNS + "WHERE s.team_id = :team_id AND "
                        + (active ? "s.status = 'active'" : "s.status <> 'active'") + " ORDER BY s.id DESC LIMIT :limit")
                .bind("team_id", teamId).bind("limit", limit)
                .map((rs, ctx) -> JdbiLedgerAccess.session(rs)).list();
    }

    List<UsageEntry> sessionUsage(long sessionId, Long beforeId, int limit) {
        return handle.createQuery("SELECT * FROM usage_events WHERE session_id = :session_id AND id < :before "
                        + "ORDER BY id DESC LIMIT :limit")
                .bind("session_id", sessionId).bind("before", beforeId == null ? Long.MAX_VALUE : beforeId)
                .bind("limit", limit)
                .map((rs, ctx) -> new UsageEntry(rs.getLong("id"), JdbiLedgerAccess.usage(rs)))
                .list();
    }

    List<UsageSlot> usageSlots(long teamId, Instant from, Instant to) {
        return handle.createQuery("SELECT u.reported_at / :slot AS slot, u.session_id, a.name AS agent_name, u.model, "
                        + "SUM(u.cost_micros) AS cost, SUM(u.input_tokens) AS input, SUM(u.output_tokens) AS output "
                        + "FROM usage_events u JOIN agents a ON a.id = u.agent_id "
                        + "WHERE u.team_id = :team_id AND u.reported_at >= :from AND u.reported_at < :to AND u.claim = 0 "
                        + "GROUP BY slot, u.session_id, a.name, u.model ORDER BY slot, u.session_id, u.model")
                .bind("slot", SLOT_MILLIS).bind("team_id", teamId)
                .bind("from", from.toEpochMilli()).bind("to", to.toEpochMilli())
                .map((rs, ctx) -> new UsageSlot(Instant.ofEpochMilli(rs.getLong("slot") * SLOT_MILLIS),
                        rs.getLong("session_id"), rs.getString("agent_name"), rs.getString("model"),
                        rs.getLong("cost"), rs.getLong("input"), rs.getLong("output")))
                .list();
    }

    ChangeMarker changeMarker(long usageAfter, long sessionsAfter, long closedFrom) {
        String settings = String.join(",", handle.createQuery("SELECT 'a' || id || ':' || paused || ':' "
                        + "|| COALESCE(CAST(daily_limit_micros AS TEXT), '-') || ':' || team_id AS setting FROM agents "
                        + "UNION ALL SELECT 't' || id || ':' || paused || ':' "
                        + "|| COALESCE(CAST(daily_limit_micros AS TEXT), '-') || ':' || timezone FROM teams "
                        + "UNION ALL SELECT 'k' || COALESCE(MAX(id), 0) FROM tasks ORDER BY 1")
                .mapTo(String.class).list());
        return handle.createQuery("SELECT (SELECT COALESCE(MAX(id), 0) FROM usage_events) AS usage_max, "
                        + "(SELECT COUNT(*) FROM usage_events WHERE id > :usage_after) AS new_usage, "
                        + "(SELECT COALESCE(MAX(id), 0) FROM sessions) AS session_max, "
                        + "(SELECT COUNT(*) FROM sessions WHERE id > :sessions_after) AS new_sessions, "
                        + "(SELECT COUNT(*) FROM sessions WHERE id >= :closed_from AND status <> 'active') AS closed")
                .bind("usage_after", usageAfter).bind("sessions_after", sessionsAfter).bind("closed_from", closedFrom)
                .map((rs, ctx) -> new ChangeMarker(rs.getLong("usage_max"), rs.getLong("new_usage"),
                        rs.getLong("session_max"), rs.getLong("new_sessions"), rs.getLong("closed"), settings))
                .one();
    }

    long oldestActiveSessionId() {
        return handle.createQuery("SELECT COALESCE((SELECT MIN(id) FROM sessions WHERE status = 'active'), "
                        + "(SELECT COALESCE(MAX(id), 0) + 1 FROM sessions))")
                .mapTo(Long.class).one();
    }
}
