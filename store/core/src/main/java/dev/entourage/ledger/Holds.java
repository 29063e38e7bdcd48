package dev.entourage.ledger;

import java.time.Instant;

/** What becomes of holds inside other use cases' transactions: settled by a report, read as of now. */
final class Holds {
    private Holds() {
    }

    /**
     * Settles the hold a report names, before its cost is counted, so the reservation gives way to the real
     * cost. A hold that expired or was released is not settled, but the report is still recorded: the money
     * was spent, and usage is never lost. Returns what became of the hold; null without one.
     *
     * @throws LedgerException {@code invalid_request} on {@code hold_id} for an unknown hold, another agent's
     *                         hold, or a hold that another report settled already
     */
    static HoldStatus settle(LedgerWriter w, String holdId, Agent agent, String eventId, Instant now) {
        if (holdId == null) {
            return null;
        }
        BudgetHold hold = w.hold(holdId).filter(h -> h.agentId() == agent.id()).orElseThrow(() ->
                LedgerException.invalid("hold_id", "no hold '" + holdId + "' of agent " + agent.name()
                        + " exists; send the hold_id check_budget returned, or leave hold_id out"));
        HoldStatus status = hold.statusAt(now);
        switch (status) {
            case HELD -> w.closeHold(holdId, HoldStatus.SETTLED, now, eventId);
            case SETTLED -> throw LedgerException.invalid("hold_id", "hold '" + holdId
                    + "' was already settled by another report; a hold settles one report, so reserve again "
                    + "or leave hold_id out");
            case EXPIRED -> w.closeHold(holdId, HoldStatus.EXPIRED, hold.expiresAt(), null);
            case RELEASED -> {
                // released before: nothing to settle; the usage still counts
            }
        }
        return status == HoldStatus.HELD ? HoldStatus.SETTLED : status;
    }

    /** The hold as it stands at {@code now}: a held hold whose time ran out reads as expired. */
    static BudgetHold current(BudgetHold hold, Instant now) {
        HoldStatus status = hold.statusAt(now);
        return status == hold.status() ? hold : new BudgetHold(hold.id(), hold.agentId(), hold.teamId(),
                hold.taskId(), hold.sessionId(), hold.amountMicros(), hold.createdAt(), hold.expiresAt(), status,
                hold.expiresAt(), null);
    }
}
