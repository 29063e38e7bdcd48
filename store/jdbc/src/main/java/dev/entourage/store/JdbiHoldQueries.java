package dev.entourage.store;

import dev.entourage.ledger.BudgetHold;
import dev.entourage.ledger.BudgetSubject;
import dev.entourage.ledger.HoldStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code budget_holds} table (see {@code V3__holds.sql}) on a connection's prepared statements, for one
 * transaction: it asks once whether any hold is open at all, since most ledgers have none and then nothing is
 * summed or expired.
 * {@link JdbiLedgerAccess} delegates to it.
 */
final class JdbiHoldQueries {
    private final PreparedCache sql;
    /** Whether any hold is open, asked once per transaction (null: not yet). */
    private Boolean anyOpenHold;

    /** @param anyOpenHold whether any hold is open, if this transaction knows already; null: asked on first need */
    JdbiHoldQueries(PreparedCache sql, Boolean anyOpenHold) {
        this.sql = sql;
        this.anyOpenHold = anyOpenHold;
    }

    long held(BudgetSubject subject, long subjectId, Instant now) {
        if (!anyOpenHold()) {
            return 0;
        }
        return sql.number("SELECT COALESCE(SUM(amount_micros), 0) FROM budget_holds WHERE " + column(subject)
                + " = ? AND status = 'held' AND expires_at > ?", 0, subjectId, now.toEpochMilli());
    }

    /** {@link #held} of each subject in one query: the open holds of any of them, summed per subject. */
    Map<BudgetSubject, Long> heldAll(Map<BudgetSubject, Long> subjectIds, Instant now) {
        Map<BudgetSubject, Long> held = new EnumMap<>(BudgetSubject.class);
        subjectIds.keySet().forEach(subject -> held.put(subject, 0L));
        if (subjectIds.isEmpty() || !anyOpenHold()) {
            return held;
        }
        List<BudgetSubject> subjects = List.copyOf(subjectIds.keySet());
        StringBuilder select = new StringBuilder("SELECT ");
        StringBuilder where = new StringBuilder();
        Object[] parameters = new Object[2 * subjects.size() + 1];
        for (int i = 0; i < subjects.size(); i++) {
            String column = column(subjects.get(i));
            select.append(i == 0 ? "" : ", ").append("COALESCE(SUM(CASE WHEN ").append(column)
                    .append(" = ? THEN amount_micros END), 0)");
            where.append(i == 0 ? "" : " OR ").append(column).append(" = ?");
            parameters[i] = subjectIds.get(subjects.get(i));
            parameters[subjects.size() + 1 + i] = subjectIds.get(subjects.get(i));
        }
        parameters[subjects.size()] = now.toEpochMilli();
        sql.one(select + " FROM budget_holds WHERE status = 'held' AND expires_at > ? AND (" + where + ")", rs -> {
            for (int i = 0; i < subjects.size(); i++) {
                held.put(subjects.get(i), rs.getLong(i + 1));
            }
            return held;
        }, parameters);
        return held;
    }

    private static String column(BudgetSubject subject) {
        return switch (subject) {
            case AGENT -> "agent_id";
            case TEAM -> "team_id";
            case TASK -> "task_id";
            case SESSION -> "session_id";
        };
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
