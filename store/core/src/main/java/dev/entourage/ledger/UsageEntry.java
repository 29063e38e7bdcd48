package dev.entourage.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * One usage event of a session as a person reads it (the drill-down of the dashboard).
 *
 * @param id         the event's row id: ever growing, the cursor of {@link SessionUsage#nextBefore()}
 * @param model      the model it was reported for, or null
 * @param stopReason why the agent was told to stop at this event, or null when it was told to continue
 */
public record UsageEntry(long id, String eventId, Instant reportedAt, String model, TokenCounts tokens,
                         long costMicros, CostSource costSource, Action action, String stopReason) {
    public UsageEntry {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(reportedAt, "reportedAt");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(costSource, "costSource");
        Objects.requireNonNull(action, "action");
    }
}
