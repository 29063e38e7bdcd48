package dev.entourage.store;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.UsageEntry;
import dev.entourage.ledger.events.ChangeMarker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The dashboard's reads over one Jdbi handle (team-wide lists, a session's events, change markers);
 * {@link JdbiLedgerAccess} delegates to it.
 */
final class JdbiReportQueries {
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

    List<Session> teamSessions(long teamId, boolean active, Long beforeId, int limit) {
        return handle.createQuery("SELECT " + JdbiLedgerAccess.SESSION_COLUMNS + "WHERE s.team_id = :team_id AND "
                        + (active ? "s.status = 'active'" : "s.status <> 'active'") + " AND s.id < :before "
                        + "ORDER BY s.id DESC LIMIT :limit")
                .bind("team_id", teamId).bind("before", beforeId == null ? Long.MAX_VALUE : beforeId)
                .bind("limit", limit)
                .map((rs, ctx) -> JdbiLedgerAccess.session(rs)).list();
    }

    Map<Long, Session> sessionsById(java.util.Collection<Long> ids) {
        Map<Long, Session> found = new HashMap<>();
        if (!ids.isEmpty()) {
            handle.createQuery("SELECT " + JdbiLedgerAccess.SESSION_COLUMNS + "WHERE s.id IN (<ids>)")
                    .bindList("ids", List.copyOf(ids))
                    .map((rs, ctx) -> JdbiLedgerAccess.session(rs))
                    .forEach(session -> found.put(session.id(), session));
        }
        return found;
    }

    Map<Long, Integer> activeSessionCounts(long teamId) {
        Map<Long, Integer> counts = new HashMap<>();
        handle.createQuery("SELECT agent_id, COUNT(*) AS n FROM sessions WHERE team_id = :team_id "
                        + "AND status = 'active' GROUP BY agent_id")
                .bind("team_id", teamId)
                .map((rs, ctx) -> counts.put(rs.getLong("agent_id"), rs.getInt("n"))).list();
        return counts;
    }

    List<UsageEntry> sessionUsage(long sessionId, Long beforeId, int limit) {
        return handle.createQuery("SELECT * FROM usage_events WHERE session_id = :session_id AND id < :before "
                        + "ORDER BY id DESC LIMIT :limit")
                .bind("session_id", sessionId).bind("before", beforeId == null ? Long.MAX_VALUE : beforeId)
                .bind("limit", limit)
                .map((rs, ctx) -> new UsageEntry(rs.getLong("id"), JdbiLedgerAccess.usage(rs)))
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
