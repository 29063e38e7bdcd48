package dev.entourage.ledger;

import dev.entourage.ledger.events.LedgerEvent;
import dev.entourage.ledger.events.LedgerEvents;
import dev.entourage.ledger.pricing.ModelPrice;
import dev.entourage.ledger.pricing.PriceRequest;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.pricing.PricedCost;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charging one usage event, shared by reported and captured usage: its cost, the charge to every scope with the
 * alerts it fires, the session's totals, the runaway guard, the decision after it and, after the write, what is
 * published.
 */
final class UsageCharge {
    private static final Logger LOG = LoggerFactory.getLogger(UsageCharge.class);

    private UsageCharge() {
    }

    /**
     * What one event costs: {@code reported} when given (our table's figure beside it), else our table's, priced
     * by the version in force at {@code at} with the event's service tier, speed and inference geography.
     *
     * @param price the price used; null for a reported cost
     * @param pricedMicros our table's figure
     */
    record Cost(long micros, CostSource source, ModelPrice price, long pricedMicros) {
        static Cost of(PriceTable prices, String model, TokenCounts tokens, Long reported, Instant at,
                       String speed) {
            return of(prices, model, tokens, reported, at, speed, null, null);
        }

        static Cost of(PriceTable prices, String model, TokenCounts tokens, Long reported, Instant at,
                       String speed, String serviceTier, String inferenceGeo) {
            PricedCost priced = prices.price(PriceRequest.of(model, tokens).at(at).speed(speed)
                    .serviceTier(serviceTier).inferenceGeo(inferenceGeo));
            if (reported != null) {
                return new Cost(reported, CostSource.REPORTED, null, priced.costMicros());
            }
            return new Cost(priced.costMicros(), sourceOf(priced), priced.price(), priced.costMicros());
        }
    }

    /** {@code unpriced} when the model has no row, {@code estimated} when a modifier had no price, else priced. */
    static CostSource sourceOf(PricedCost priced) {
        if (priced.unpriced()) {
            return CostSource.UNPRICED;
        }
        return priced.estimated() ? CostSource.ESTIMATED : CostSource.PRICED;
    }

    /** The session and budget after a charge, and the decision. */
    record Charged(Session session, Budget budget, Action action, String stopReason, List<Alert> alerts) {
    }

    /**
     * Adds {@code cost} to every scope of {@code s} and to the session's totals, then decides: stop when a scope
     * (or the runaway guard) trips, recording the first stop reason on the session.
     */
    static Charged charge(LedgerWriter w, Subjects s, TokenCounts tokens, long cost, Instant now) {
        Session session = s.session();
        List<Alert> alerts = new ArrayList<>(BudgetRules.charge(w, s, cost, now));
        w.addToSession(session.id(), tokens, cost);
        Session updated = session.plus(tokens, cost);
        Budget budget = runawayGuard(w, s.team(), session, cost, now,
                BudgetRules.evaluate(w, new Subjects(s.team(), s.agent(), s.task(), updated), now));
        Action action = budget.overBudget() ? Action.STOP : Action.CONTINUE;
        String stopReason = budget.firstViolation().map(Scope::wireName).orElse(null);
        if (action == Action.STOP && updated.stopReason() == null && !Scope.ENDED.wireName().equals(stopReason)) {
            w.recordStop(session.id(), stopReason);
            updated = updated.stoppedFor(stopReason);
        }
        return new Charged(updated, budget, action, stopReason, alerts);
    }

    /** {@code budget} with the runaway guard's violation when the session spent too fast in the trailing window. */
    static Budget runawayGuard(LedgerReader r, Team team, Session session, long cost, Instant now, Budget budget) {
        if (team.maxSessionRateMicros() == null) {
            return budget;
        }
        long windowLimit = team.maxSessionRateMicros() * Team.RUNAWAY_WINDOW_MINUTES;
        long recent = r.sessionSpentSince(session.id(), now.minus(Duration.ofMinutes(Team.RUNAWAY_WINDOW_MINUTES)))
                + cost;
        return recent > windowLimit ? budget.withViolation(new Violation(Scope.RUNAWAY, windowLimit, recent, null))
                : budget;
    }

    /** After the write: logs the alerts and publishes the usage and its alerts (nothing for a replay). */
    static void published(LedgerEvents events, Clock clock, UsageReceipt receipt) {
        receipt.alerts().forEach(alert -> LOG.info("Alert {}: {}", alert.id(), alert.text()));
        if (!receipt.duplicate() && events.hasListeners()) {
            events.publish(new LedgerEvent.UsageRecorded(receipt, clock.instant()));
            receipt.alerts().forEach(alert -> events.publish(new LedgerEvent.AlertFired(alert)));
        }
    }
}
