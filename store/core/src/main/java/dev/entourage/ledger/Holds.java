package dev.entourage.ledger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What becomes of holds inside use cases' transactions: placed, settled by a report, read as of now. */
final class Holds {
    private Holds() {
    }

    /**
     * Evaluates the budget of {@code s} counting held amounts as spent and, if {@code estimateMicros} more fits on
     * every scope (and nothing is paused or killed), places a hold of it until {@code expiresAt}.
     *
     * @throws BudgetExceededException when it does not fit, as {@link BudgetService#reserve} describes
     */
    static HoldReceipt reserve(LedgerWriter w, Subjects s, long estimateMicros, Instant now, String holdId,
                               Instant expiresAt) {
        w.expireHolds(s.team().id(), now);
        BudgetRules.Readings readings = BudgetRules.Readings.of(w, s, now);
        Budget wouldBe = BudgetRules.evaluate(readings, s, now, estimateMicros);
        if (wouldBe.overBudget()) {
            Violation first = wouldBe.violations().get(0);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("scope", first.scope().wireName());
            details.put("estimated_cost_usd", Money.toDollars(estimateMicros));
            if (first.remainingMicros() != null) {
                details.put("remaining_usd", Money.toDollars(first.remainingMicros()));
            }
            throw new BudgetExceededException(BudgetRules.explainReservation(s.agent().name(), estimateMicros,
                    wouldBe), wouldBe, details);
        }
        BudgetHold hold = new BudgetHold(holdId, s.agent().id(), s.team().id(),
                s.task() == null ? null : s.task().id(), s.session() == null ? null : s.session().id(),
                estimateMicros, now, expiresAt, HoldStatus.HELD, null, null);
        w.insertHold(hold);
        return new HoldReceipt(hold, BudgetRules.afterReserving(readings, s, now, estimateMicros));
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
