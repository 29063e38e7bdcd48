package dev.entourage.store;

import dev.entourage.ledger.Scope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * The {@code alerts} table (see {@code V4__alerts.sql}) over one Jdbi handle; {@link JdbiLedgerAccess} delegates to
 * it.
 */
final class JdbiAlertQueries {
    private final Supplier<Handle> handles;
    private final PreparedCache sql;

    JdbiAlertQueries(Supplier<Handle> handles, PreparedCache sql) {
        this.handles = handles;
        this.sql = sql;
    }

    private static final String ALERT_COLUMNS = "l.*, t.name AS team_name FROM alerts l JOIN teams t ON t.id = l.team_id ";

    List<dev.entourage.ledger.Alert> alerts(long teamId, int limit) {
        return handles.get().createQuery("SELECT " + ALERT_COLUMNS + "WHERE l.team_id = :team_id ORDER BY l.id DESC "
                        + "LIMIT :limit")
                .bind("team_id", teamId).bind("limit", limit)
                .map((rs, ctx) -> alert(rs)).list();
    }

    List<dev.entourage.ledger.Alert> dueAlerts(Instant now, int maxAttempts, int limit) {
        return handles.get().createQuery("SELECT " + ALERT_COLUMNS + "WHERE l.delivered_at IS NULL "
                        + "AND l.next_attempt_at <= :now AND l.attempts < :max AND t.alert_webhook_url IS NOT NULL "
                        + "ORDER BY l.id LIMIT :limit")
                .bind("now", now.toEpochMilli()).bind("max", maxAttempts).bind("limit", limit)
                .map((rs, ctx) -> alert(rs)).list();
    }

    private static dev.entourage.ledger.Alert alert(ResultSet rs) throws SQLException {
        Long deliveredAt = Columns.nullableLong(rs, "delivered_at");
        String scope = rs.getString("scope");
        Scope parsed = java.util.Arrays.stream(Scope.values()).filter(s -> s.wireName().equals(scope)).findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown alert scope " + scope));
        return new dev.entourage.ledger.Alert(rs.getLong("id"), rs.getLong("team_id"), rs.getString("team_name"),
                parsed, rs.getLong("scope_id"), rs.getString("window_key"), rs.getInt("threshold_percent"),
                rs.getLong("limit_micros"), rs.getLong("spent_micros"), rs.getLong("agent_id"),
                rs.getString("agent_name"), Columns.nullableLong(rs, "task_id"), rs.getLong("session_id"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                deliveredAt == null ? null : Instant.ofEpochMilli(deliveredAt), rs.getInt("attempts"));
    }

    Optional<dev.entourage.ledger.Alert> insertAlert(dev.entourage.ledger.Alert a, Instant nextAttemptAt) {
        return handles.get().createQuery("INSERT INTO alerts (team_id, scope, scope_id, window_key, threshold_percent, "
                        + "limit_micros, spent_micros, agent_id, agent_name, task_id, session_id, created_at, "
                        + "attempts, next_attempt_at) VALUES (:team_id, :scope, :scope_id, :window, :threshold, "
                        + ":limit, :spent, :agent_id, :agent_name, :task_id, :session_id, :created_at, 0, :next) "
                        + "ON CONFLICT (scope, scope_id, window_key, threshold_percent) DO NOTHING RETURNING id")
                .bind("team_id", a.teamId()).bind("scope", a.scope().wireName()).bind("scope_id", a.scopeId())
                .bind("window", a.window()).bind("threshold", a.thresholdPercent()).bind("limit", a.limitMicros())
                .bind("spent", a.spentMicros()).bind("agent_id", a.agentId()).bind("agent_name", a.agentName())
                .bind("task_id", a.taskId()).bind("session_id", a.sessionId())
                .bind("created_at", a.createdAt().toEpochMilli()).bind("next", nextAttemptAt.toEpochMilli())
                .mapTo(Long.class).findOne()
                .map(a::withId);
    }

    boolean claimAlert(long alertId, Instant now, Instant leaseUntil) {
        return handles.get().createUpdate("UPDATE alerts SET next_attempt_at = :lease WHERE id = :id "
                        + "AND delivered_at IS NULL AND next_attempt_at <= :now")
                .bind("lease", leaseUntil.toEpochMilli()).bind("id", alertId).bind("now", now.toEpochMilli())
                .execute() == 1;
    }

    void recordAlertAttempt(long alertId, Instant deliveredAt, Instant nextAttemptAt, String error) {
        handles.get().createUpdate("UPDATE alerts SET attempts = attempts + 1, delivered_at = :delivered, "
                        + "next_attempt_at = :next, last_error = :error WHERE id = :id AND delivered_at IS NULL")
                .bind("delivered", deliveredAt == null ? null : deliveredAt.toEpochMilli())
                .bind("next", nextAttemptAt.toEpochMilli()).bind("error", error).bind("id", alertId)
                .execute();
    }
}
