package dev.entourage.ledger;

import dev.entourage.ledger.events.LedgerEvent;
import dev.entourage.ledger.pricing.ModelPrice;
import dev.entourage.ledger.pricing.PricedCost;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage reports: each is recorded, charged to every scope that applies, and answered with the decision, all in one
 * write transaction; a report that names a hold settles it first.
 */
public final class UsageService {
    private static final Logger LOG = LoggerFactory.getLogger(UsageService.class);
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
        receipt.alerts().forEach(alert -> LOG.info("Alert {}: {}", alert.id(), alert.text()));
        if (!receipt.duplicate() && ctx.events.hasListeners()) {
            ctx.events.publish(new LedgerEvent.UsageRecorded(receipt, ctx.clock.instant()));
            receipt.alerts().forEach(alert -> ctx.events.publish(new LedgerEvent.AlertFired(alert)));
        }
        return receipt;
    }

    private UsageReceipt record(LedgerWriter w, Actor actor, UsageReport report, String eventId) {
        Instant now = ctx.clock.instant();
        Session session = LedgerContext.session(w, actor, report.sessionId());
        Agent agent = LedgerContext.agent(w, session.agentId());
        Team team = LedgerContext.team(w, agent.teamId());
        String model = report.model() != null ? report.model() : session.model();
        HoldStatus holdStatus = Holds.settle(w, report.holdId(), agent, eventId, now);
        w.expireHolds(team.id(), now);

        long cost;
        CostSource source;
        ModelPrice price = null;
        if (report.costMicros() != null) {
            cost = report.costMicros();
            source = CostSource.REPORTED;
        } else {
            PricedCost priced = ctx.prices.price(model, report.tokens());
            cost = priced.costMicros();
            source = priced.estimated() ? CostSource.ESTIMATED : CostSource.PRICED;
            price = priced.price();
        }

        Task task = session.taskId() == null ? null : w.task(session.taskId()).orElse(null);
        List<Alert> alerts = new ArrayList<>(BudgetRules.charge(w, new Subjects(team, agent, task, session), cost, now));
        w.addToSession(session.id(), report.tokens(), cost);
        Session updated = session.plus(report.tokens(), cost);
        Budget budget = runawayGuard(w, team, session, cost, now,
                BudgetRules.evaluate(w, new Subjects(team, agent, task, updated), now));
        Action action = budget.overBudget() ? Action.STOP : Action.CONTINUE;
        String stopReason = budget.firstViolation().map(Scope::wireName).orElse(null);
        if (action == Action.STOP && updated.stopReason() == null && !Scope.ENDED.wireName().equals(stopReason)) {
            w.recordStop(session.id(), stopReason);
            updated = updated.stoppedFor(stopReason);
        }
        w.insertUsage(new StoredUsage(eventId, session.id(), agent.id(), team.id(), session.taskId(), model,
                report.tokens(), cost, source, price, report.fingerprint(), action, stopReason, now));
        return new UsageReceipt(session.id(), eventId, false, cost, source, updated, budget, action, stopReason,
                report.holdId(), holdStatus, alerts);
    }

    private static Budget runawayGuard(LedgerReader r, Team team, Session session, long cost, Instant now,
                                       Budget budget) {
        if (team.maxSessionRateMicros() == null) {
            return budget;
        }
        long windowLimit = team.maxSessionRateMicros() * Team.RUNAWAY_WINDOW_MINUTES;
        long recent = r.sessionSpentSince(session.id(), now.minus(Duration.ofMinutes(Team.RUNAWAY_WINDOW_MINUTES)))
                + cost;
        return recent > windowLimit ? budget.withViolation(new Violation(Scope.RUNAWAY, windowLimit, recent, null))
                : budget;
    }

    private UsageReceipt replay(LedgerWriter w, Actor actor, StoredUsage first, UsageReport report) {
        Session session = LedgerContext.session(w, actor, first.sessionId());
        if (!first.fingerprint().equals(report.fingerprint())) {
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
                session, budget, first.action(), first.stopReason(), report.holdId(), holdStatus);
    }
}
