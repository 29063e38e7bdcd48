package dev.entourage.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Usage reports: each is recorded, charged to every scope that applies, and answered with the decision, all in one
 * write transaction; a report that names a hold settles it first.
 *
 * <p>Claims: once captured usage (a coding agent's telemetry, {@link CaptureService}) has landed on a session, the
 * reports on it are kept as claims: stored and shown, answered with {@code claim} and a {@code note}, never charged
 * nor counted in totals and reports, so nothing counts twice. Reports made before the first captured call stay
 * counted: they were the best figure there was, and the captured calls that follow cover only the time after.
 */
public final class UsageService {
    private final LedgerContext ctx;

    UsageService(LedgerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Records a usage report and decides, in the same write transaction, whether the agent may go on. Usage is
     * always recorded, also when a limit was crossed: the answer then says {@code stop}. A replay of a recorded
     * {@code event_id} is answered with the first answer's cost and decision, marked {@code duplicate}, and writes
     * nothing.
     *
     * @throws LedgerException {@code not_found} for a session the actor cannot see, {@code forbidden} for another
     *                         agent's session, {@code idempotency_mismatch} when an {@code event_id} is replayed with a
     *                         different body
     */
    public UsageReceipt report(Actor actor, UsageReport report) {
        actor.mayWrite();
        report.modifiers().checkGeo(ctx.prices().inferenceGeos());
        UsageReceipt receipt;
        if (report.eventId() == null) {
            String fresh = ctx.eventIds.next();
            receipt = ctx.store.write(w -> record(w, actor, report, fresh));
        } else {
            String eventId = report.eventId();
            receipt = ctx.store.write(w -> w.usageByEventId(
                            LedgerContext.session(w, actor, report.sessionId()).agentId(), eventId)
                    .map(first -> replay(w, actor, first, report))
                    .orElseGet(() -> record(w, actor, report, eventId)));
        }
        UsageCharge.published(ctx.events, ctx.clock, receipt);
        return receipt;
    }

    private UsageReceipt record(LedgerWriter w, Actor actor, UsageReport report, String eventId) {
        Instant now = ctx.clock.instant();
        Session session = LedgerContext.session(w, actor, report.sessionId());
        Agent agent = LedgerContext.agent(w, session.agentId());
        Team team = LedgerContext.team(w, agent.teamId());
        String model = report.model() != null ? report.model() : session.model();
        if (report.costMicros() == null) {
            UnpricedModels.check(team, ctx.prices(), model, now);
        }
        HoldStatus holdStatus = Holds.settle(w, report.holdId(), agent, eventId, now);
        w.expireHolds(team.id(), now);
        PriceModifiers modifiers = report.modifiers();
        UsageCharge.Cost cost = UsageCharge.Cost.of(ctx.prices(), model, report.tokens(), report.costMicros(), now,
                modifiers.speed(), modifiers.serviceTier(), modifiers.inferenceGeo());
        UsageLabels labels = new UsageLabels(modifiers.speed(), null, null, null, modifiers.serviceTier(),
                modifiers.inferenceGeo());
        Task task = session.taskId() == null ? null : w.task(session.taskId()).orElse(null);
        Subjects subjects = new Subjects(team, agent, task, session);
        if (session.capture().captured()) {
            Budget budget = UsageCharge.runawayGuard(w, team, session, 0, now, BudgetRules.evaluate(w, subjects, now));
            Action action = budget.overBudget() ? Action.STOP : Action.CONTINUE;
            String stopReason = budget.firstViolation().map(Scope::wireName).orElse(null);
            w.insertUsage(new StoredUsage(eventId, session.id(), agent.id(), team.id(), session.taskId(), model,
                    report.tokens(), cost.micros(), cost.source(), cost.price(), report.fingerprint(), action,
                    stopReason, now, labels, true));
            return new UsageReceipt(session.id(), eventId, false, cost.micros(), cost.source(), session, budget,
                    action, stopReason, report.holdId(), holdStatus, List.of(), true, claimNote(session));
        }
        UsageCharge.Charged charged = UsageCharge.charge(w, subjects, report.tokens(), cost.micros(), now);
        w.insertUsage(new StoredUsage(eventId, session.id(), agent.id(), team.id(), session.taskId(), model,
                report.tokens(), cost.micros(), cost.source(), cost.price(), report.fingerprint(), charged.action(),
                charged.stopReason(), now, labels, false));
        return new UsageReceipt(session.id(), eventId, false, cost.micros(), cost.source(), charged.session(),
                charged.budget(), charged.action(), charged.stopReason(), report.holdId(), holdStatus,
                charged.alerts());
    }

    /** Why a report on a captured session is a claim. */
    static String claimNote(Session session) {
        return "this session's usage is captured from " + session.capture().source()
                + " telemetry; this report is kept as a claim and not added";
    }

    private UsageReceipt replay(LedgerWriter w, Actor actor, StoredUsage first, UsageReport report) {
        Session session = LedgerContext.session(w, actor, first.sessionId());
        if (!first.fingerprint().equals(report.fingerprint()) && !CaptureService.isCaptured(first)) {
            throw new LedgerException(ErrorCode.IDEMPOTENCY_MISMATCH, "event_id: '" + first.eventId()
                    + "' was already recorded with a different report; use a new event_id for new usage",
                    Map.of("field", "event_id"), null);
        }
        Agent agent = LedgerContext.agent(w, session.agentId());
        Task task = session.taskId() == null ? null : w.task(session.taskId()).orElse(null);
        Instant now = ctx.clock.instant();
        Budget budget = BudgetRules.evaluate(w, LedgerContext.subjects(w, agent, task, session), now);
        HoldStatus holdStatus = report.holdId() == null ? null
                : w.hold(report.holdId()).map(h -> h.statusAt(now)).orElse(null);
        return new UsageReceipt(first.sessionId(), first.eventId(), true, first.costMicros(), first.costSource(),
                session, budget, first.action(), first.stopReason(), report.holdId(), holdStatus, List.of(),
                first.claim(), first.claim() ? claimNote(session) : null);
    }
}
