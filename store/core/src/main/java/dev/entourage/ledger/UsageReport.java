package dev.entourage.ledger;

import java.util.Objects;

/**
 * A report of tokens (and optionally dollars) inside a session.
 *
 * @param costMicros null when the cost is to be computed from the price table
 * @param model      null to use the session's model
 * @param eventId    null to let the ledger generate a time-ordered one; a replay with the same id is
 *                   answered with the first answer
 * @param holdId     the hold this report settles, or null
 * @param modifiers  the call's service tier, speed and inference geography ({@link PriceModifiers#STANDARD} for
 *                   none), priced through the engine's multipliers and stored with the event
 */
public record UsageReport(long sessionId, TokenCounts tokens, Long costMicros, String model, String eventId,
                          String holdId, PriceModifiers modifiers) {
    public UsageReport {
        Objects.requireNonNull(tokens, "tokens");
        modifiers = modifiers == null ? PriceModifiers.STANDARD : modifiers;
        if (costMicros != null && (costMicros < 0 || costMicros > Money.MAX_REPORTED_MICROS)) {
            throw LedgerException.invalid("cost_usd", "must be between 0 and 10000");
        }
        model = Text.optional("model", model, 200);
        eventId = Text.optional("event_id", eventId, 200);
        holdId = Text.optional("hold_id", holdId, 200);
    }

    public UsageReport(long sessionId, TokenCounts tokens, Long costMicros, String model, String eventId,
                       String holdId) {
        this(sessionId, tokens, costMicros, model, eventId, holdId, PriceModifiers.STANDARD);
    }

    public UsageReport(long sessionId, TokenCounts tokens, Long costMicros, String model, String eventId) {
        this(sessionId, tokens, costMicros, model, eventId, null);
    }

    /** The same report with another event id. */
    public UsageReport withEventId(String id) {
        return new UsageReport(sessionId, tokens, costMicros, model, id, holdId, modifiers);
    }

    /** A canonical text of everything that makes two reports the same report. */
    public String fingerprint() {
        return String.join("|", Long.toString(sessionId), Long.toString(tokens.input()),
                Long.toString(tokens.output()), Long.toString(tokens.cacheCreation()),
                Long.toString(tokens.cacheCreation1h()), Long.toString(tokens.cacheRead()),
                String.valueOf(costMicros), String.valueOf(model)) + (holdId == null ? "" : "|hold=" + holdId)
                + (modifiers.equals(PriceModifiers.STANDARD) ? "" : "|tier=" + modifiers.serviceTier() + "|speed="
                + modifiers.speed() + "|geo=" + modifiers.inferenceGeo());
    }
}
