package dev.entourage.store;

import dev.entourage.ledger.BudgetHold;
import dev.entourage.ledger.BudgetSubject;
import dev.entourage.ledger.HoldStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code budget_holds} table (see {@code V3__holds.sql}) on a connection's prepared statements, for one
 * transaction: it asks once whether any hold is open at all, since most ledgers have none and then nothing is
 * summed or expired.
 * {@link JdbiLedgerAccess} delegates to it.
 */
final class JdbiHoldQueries {
    private final PreparedCache sql;
    /** Whether any hold is open, asked once per transaction. */
    private Boolean anyOpenHold;

    JdbiHoldQueries(PreparedCache sql) {
        this.sql = sql;
    }

    long held(BudgetSubject subject, long subjectId, Instant now) {
        if (!anyOpenHold()) {
            return 0;
        }
        String column = switch (subject) {
            case AGENT -> "agent_id";
            case TEAM -> "team_id";
            case TASK -> "task_id";
            case SESSION -> "session_id";
        };
        return sql.number("SELECT COALESCE(SUM(amount_micros), 0) FROM budget_holds WHERE " + column
                + " = ? AND status = 'held' AND expires_at > ?", 0, subjectId, now.toEpochMilli());
    }

    private boolean anyOpenHold() {
        if (anyOpenHold == null) {
            anyOpenHold = sql.number("SELECT CASE WHEN EXISTS (SELECT 1 FROM budget_holds WHERE status = 'held') "
                    + "THEN 1 ELSE 0 END", 0) != 0;
        }
        return anyOpenHold;
    }

    Optional<BudgetHold> hold(String holdId) {
        return sql.one("SELECT * FROM budget_holds WHERE hold_id = ?", JdbiHoldQueries::hold, holdId);
    }

    private static BudgetHold hold(ResultSet rs) throws SQLException {
        Long closedAt = Columns.nullableLong(rs, "closed_at");
        return new BudgetHold(rs.getString("hold_id"), rs.getLong("agent_id"), rs.getLong("team_id"),
                Columns.nullableLong(rs, "task_id"), Columns.nullableLong(rs, "session_id"),
                rs.getLong("amount_micros"),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("expires_at")),
                HoldStatus.fromWire(rs.getString("status")),
                closedAt == null ? null : Instant.ofEpochMilli(closedAt), rs.getString("event_id"));
    }

    void insertHold(BudgetHold hold) {
        anyOpenHold = Boolean.TRUE;
        sql.update("INSERT INTO budget_holds (hold_id, agent_id, team_id, task_id, session_id, amount_micros, "
                        + "status, created_at, expires_at, closed_at, event_id) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                hold.id(), hold.agentId(), hold.teamId(), hold.taskId(), hold.sessionId(), hold.amountMicros(),
                hold.status().wireName(), hold.createdAt().toEpochMilli(), hold.expiresAt().toEpochMilli(),
                hold.closedAt() == null ? null : hold.closedAt().toEpochMilli(), hold.eventId());
    }

    void closeHold(String holdId, HoldStatus status, Instant closedAt, String eventId) {
        sql.update("UPDATE budget_holds SET status = ?, closed_at = ?, event_id = ? "
                        + "WHERE hold_id = ? AND status = 'held'",
                status.wireName(), closedAt.toEpochMilli(), eventId, holdId);
    }

    int releaseSessionHolds(long sessionId, Instant now) {
        if (!anyOpenHold()) {
            return 0;
        }
        return sql.update("UPDATE budget_holds SET status = 'released', closed_at = ? "
                + "WHERE session_id = ? AND status = 'held' AND expires_at > ?", now.toEpochMilli(), sessionId,
                now.toEpochMilli());
    }

    int expireHolds(long teamId, Instant now) {
        if (!anyOpenHold()) {
            return 0;
        }
        return sql.update("UPDATE budget_holds SET status = 'expired', closed_at = expires_at "
                + "WHERE team_id = ? AND status = 'held' AND expires_at <= ?", teamId, now.toEpochMilli());
    }
}
