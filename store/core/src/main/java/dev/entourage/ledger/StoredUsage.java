package dev.entourage.ledger;

import dev.entourage.ledger.pricing.ModelPrice;
import java.time.Instant;
import java.util.Objects;

/**
 * One recorded usage event, with the price it was costed at and the decision it was answered with, so
 * a replay gets the first answer and a later price change never re-prices history.
 *
 * @param price      the price used; null when the cost was reported by the caller
 * @param stopReason null when the action was continue
 * @param labels     what the event says beside tokens and dollars (a report's price modifiers; a captured call's labels)
 * @param claim      a usage report on a captured session: kept and shown, never charged nor counted in totals
 */
public record StoredUsage(String eventId, long sessionId, long agentId, long teamId, Long taskId, String model,
                          TokenCounts tokens, long costMicros, CostSource costSource, ModelPrice price,
                          String fingerprint, Action action, String stopReason, Instant reportedAt,
                          UsageLabels labels, boolean claim) {
    public StoredUsage {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(costSource, "costSource");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reportedAt, "reportedAt");
        labels = labels == null ? UsageLabels.NONE : labels;
    }

    /** A charged usage report's event, without labels. */
    public StoredUsage(String eventId, long sessionId, long agentId, long teamId, Long taskId, String model,
                       TokenCounts tokens, long costMicros, CostSource costSource, ModelPrice price,
                       String fingerprint, Action action, String stopReason, Instant reportedAt) {
        this(eventId, sessionId, agentId, teamId, taskId, model, tokens, costMicros, costSource, price, fingerprint,
                action, stopReason, reportedAt, UsageLabels.NONE, false);
    }
}
