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
 */
public record StoredUsage(String eventId, long sessionId, long agentId, long teamId, Long taskId, String model,
                          TokenCounts tokens, long costMicros, CostSource costSource, ModelPrice price,
                          String fingerprint, Action action, String stopReason, Instant reportedAt) {
    public StoredUsage {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(costSource, "costSource");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reportedAt, "reportedAt");
    }
}
