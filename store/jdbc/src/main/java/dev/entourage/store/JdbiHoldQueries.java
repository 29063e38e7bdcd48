package dev.entourage.store;

import dev.entourage.ledger.BudgetHold;
import dev.entourage.ledger.BudgetSubject;
import dev.entourage.ledger.HoldStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * The {@code budget_holds} table (see {@code V3__holds.sql}) over one Jdbi handle, for one transaction: it asks once
 * whether any hold is open at all, since most ledgers have none and then nothing is summed or expired.
 * {@link JdbiLedgerAccess} delegates to it.
 */
final class JdbiHoldQueries {
    private final Supplier<Handle> handles;
    private final PreparedCache sql;
    /** Whether any hold is open, asked once per transaction. */
    private Boolean anyOpenHold;

    JdbiHoldQueries(Supplier<Handle> handles, PreparedCache sql) {
        this.handles = handles;
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
        return handles.get().createQuery("SELECT * FROM budget_holds WHERE hold_id = :id").bind("id", holdId)
                .map((rs, ctx) -> {
                    Long closedAt = Columns.nullableLong(rs, "closed_at");
                    return new BudgetHold(rs.getString("hold_id"), rs.getLong("agent_id"), rs.getLong("team_id"),
                            Columns.nullableLong(rs, "task_id"), Columns.nullableLong(rs, "session_id"), rs.getLong("amount_micros"),
                            Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("expires_at")),
                            HoldStatus.fromWire(rs.getString("status")),
                            closedAt == null ? null : Instant.ofEpochMilli(closedAt), rs.getString("event_id"));
                })
                .findOne();
    }

    void insertHold(BudgetHold hold) {
        anyOpenHold = Boolean.TRUE;
        handles.get().createUpdate("INSERT INTO budget_holds (hold_id, agent_id, team_id, task_id, session_id, amount_micros, "
                        + "status, created_at, expires_at, closed_at, event_id) VALUES (:id, :agent_id, :team_id, "
                        + ":task_id, :session_id, :amount, :status, :created_at, :expires_at, :closed_at, :event_id)")
                .bind("id", hold.id()).bind("agent_id", hold.agentId()).bind("team_id", hold.teamId())
                .bind("task_id", hold.taskId()).bind("session_id", hold.sessionId())
                .bind("amount", hold.amountMicros()).bind("status", hold.status().wireName())
                .bind("created_at", hold.createdAt().toEpochMilli()).bind("expires_at", hold.expiresAt().toEpochMilli())
                .bind("closed_at", hold.closedAt() == null ? null : hold.closedAt().toEpochMilli())
                .bind("event_id", hold.eventId())
                .execute();
    }

    void closeHold(String holdId, HoldStatus status, Instant closedAt, String eventId) {
        handles.get().createUpdate("UPDATE budget_holds SET status = :status, closed_at = :closed_at, event_id = :event_id "
                        + "WHERE hold_id = :id AND status = 'held'")
                .bind("status", status.wireName()).bind("closed_at", closedAt.toEpochMilli())
                .bind("event_id", eventId).bind("id", holdId)
                .execute();
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
