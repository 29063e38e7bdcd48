package dev.entourage.ledger;

import java.time.Instant;

/** Budgets: check, reserve an estimate as a hold, read and release holds. */
public final class BudgetService {
    private final LedgerContext ctx;

    BudgetService(LedgerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The agent's budget now. The task scope is {@code taskId}'s, else that of the session {@code sessionId}, else
     * that of the agent's newest active session; a read transaction, nothing is written.
     *
     * @param sessionId the caller's own session, or null
     */
    public Budget check(Actor actor, Ref agentRef, Long taskId, Long sessionId) {
        return ctx.store.read(r -> {
            return BudgetRules.evaluate(r, subjects(r, actor, agentRef, taskId, sessionId), ctx.clock.instant());
        });
    }

    /**
     * {@code check_budget} with an estimate: in one write transaction, evaluates the budget counting held amounts as
     * spent and, if {@code estimateMicros} more fits on every applicable scope (and nothing is paused or killed),
     * reserves it as a hold that lasts the ledger's hold time. The task and session are chosen as in {@link #check}.
     *
     * @throws BudgetExceededException when it does not fit; its budget's violations name each scope that would trip
     *                                 (with the estimate), its details the first {@code scope} and its
     *                                 {@code remaining_usd}
     * @throws LedgerException         {@code invalid_request} on {@code estimated_cost_usd} for a negative or absurd
     *                                 estimate
     */
    public HoldReceipt reserve(Actor actor, Ref agentRef, Long taskId, Long sessionId, long estimateMicros) {
        return reserve(actor, agentRef, taskId, sessionId, estimateMicros, null);
    }

    /**
     * {@link #reserve(Actor, Ref, Long, Long, long)} for a call on {@code model} (the gateway's hold): refused, with
     * nothing written, when the agent's team refuses unpriced models and the table has no row for it.
     *
     * @param model the model the held call names; null to skip the check
     * @throws LedgerException {@code invalid_request} on {@code model} when it is refused as unpriced
     */
    public HoldReceipt reserve(Actor actor, Ref agentRef, Long taskId, Long sessionId, long estimateMicros,
                               String model) {
        actor.mayWrite();
        if (estimateMicros < 0 || estimateMicros > Money.MAX_REPORTED_MICROS) {
            throw LedgerException.invalid("estimated_cost_usd", "must be between 0 and 10000");
        }
        return ctx.store.write(w -> {
            Instant now = ctx.clock.instant();
            Subjects s = subjects(w, actor, agentRef, taskId, sessionId);
            if (model != null) {
                UnpricedModels.check(s.team(), ctx.prices(), model, now);
            }
            return Holds.reserve(w, s, estimateMicros, now, ctx.eventIds.next(), now.plus(ctx.holdTtl));
        });
    }

    /** The hold with this id, as it stands now (a held hold whose time ran out reads as expired). */
    public BudgetHold hold(Actor actor, String holdId) {
        return ctx.store.read(r -> Holds.current(LedgerContext.hold(r, actor, holdId), ctx.clock.instant()));
    }

    /**
     * Releases a hold before it is used, so its amount stops counting. Releasing a hold that is settled, released or
     * expired changes nothing and returns it as it is.
     *
     * @throws LedgerException {@code not_found} for an unknown hold, {@code forbidden} for another agent's
     */
    public BudgetHold release(Actor actor, String holdId) {
        actor.mayWrite();
        return ctx.store.write(w -> {
            Instant now = ctx.clock.instant();
            BudgetHold hold = LedgerContext.hold(w, actor, holdId);
            w.expireHolds(hold.teamId(), now);
            if (hold.statusAt(now) == HoldStatus.HELD) {
                w.closeHold(hold.id(), HoldStatus.RELEASED, now, null);
            }
            return Holds.current(LedgerContext.hold(w, actor, holdId), now);
        });
    }

    private static Subjects subjects(LedgerReader r, Actor actor, Ref agentRef, Long taskId, Long sessionId) {
        Agent agent = LedgerContext.agent(r, actor, agentRef);
        Session session = sessionId != null
                ? LedgerContext.session(r, actor, sessionId)
                : r.latestActiveSession(agent.id()).orElse(null);
        if (session != null && session.agentId() != agent.id()) {
            throw LedgerException.invalid("session_id", "session " + sessionId + " belongs to another agent");
        }
        Long effectiveTask = taskId != null ? taskId : session == null ? null : session.taskId();
        Task task = effectiveTask == null ? null : LedgerContext.task(r, actor, effectiveTask);
        if (task != null && task.teamId() != agent.teamId()) {
            throw LedgerException.invalid("task_id", "task " + effectiveTask + " belongs to another team");
        }
        return LedgerContext.subjects(r, agent, task, session);
    }
}
