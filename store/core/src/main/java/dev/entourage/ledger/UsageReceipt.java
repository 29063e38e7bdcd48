package dev.entourage.ledger;

import java.util.List;
import java.util.Objects;

/**
 * The ledger's answer to a usage report.
 *
 * @param duplicate  true when this answers a replay of an {@code event_id} already recorded
 * @param session    the session's totals now
 * @param budget     the budget now
 * @param stopReason the scope that tripped when {@code action} is stop, else null
 * @param holdId     the hold the report named, or null
 * @param holdStatus what became of that hold: {@code settled}, or {@code expired}/{@code released} when it had
 *                   run out or been released before (the usage is recorded all the same); null without a hold
 * @param alerts     the alerts this report fired (thresholds it crossed); empty for a replay
 * @param claim      true when the session's usage is captured from the coding agent's telemetry: the report is kept
 *                   as a claim, not charged ({@code costMicros} is what it would have cost)
 * @param note       why it is a claim, for the caller; null when it is not
 */
public record UsageReceipt(long sessionId, String eventId, boolean duplicate, long costMicros, CostSource costSource,
                           Session session, Budget budget, Action action, String stopReason, String holdId,
                           HoldStatus holdStatus, List<Alert> alerts, boolean claim, String note) {
    public UsageReceipt {
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(costSource, "costSource");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(action, "action");
    }

    public UsageReceipt(long sessionId, String eventId, boolean duplicate, long costMicros, CostSource costSource,
                        Session session, Budget budget, Action action, String stopReason, String holdId,
                        HoldStatus holdStatus, List<Alert> alerts) {
        this(sessionId, eventId, duplicate, costMicros, costSource, session, budget, action, stopReason, holdId,
                holdStatus, alerts, false, null);
    }

    public UsageReceipt(long sessionId, String eventId, boolean duplicate, long costMicros, CostSource costSource,
                        Session session, Budget budget, Action action, String stopReason) {
        this(sessionId, eventId, duplicate, costMicros, costSource, session, budget, action, stopReason, null, null,
                List.of());
    }

    public UsageReceipt(long sessionId, String eventId, boolean duplicate, long costMicros, CostSource costSource,
                        Session session, Budget budget, Action action, String stopReason, String holdId,
                        HoldStatus holdStatus) {
        this(sessionId, eventId, duplicate, costMicros, costSource, session, budget, action, stopReason, holdId,
                holdStatus, List.of());
    }
}
