package dev.entourage.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Alerts fired when spend crosses a team's thresholds, and their webhook deliveries. */
public final class AlertService {
    private final LedgerContext ctx;

    AlertService(LedgerContext ctx) {
        this.ctx = ctx;
    }

    /** A team's alerts, newest first (at most {@code limit}). */
    public List<Alert> alerts(Actor actor, Ref teamRef, int limit) {
        actor.mayReadTeam();
        return ctx.store.read(r -> r.alerts(LedgerContext.team(r, actor, teamRef).id(), limit));
    }

    /** Alerts due for a webhook delivery attempt now (see {@link LedgerReader#dueAlerts}). */
    public List<Alert> due(int maxAttempts, int limit) {
        return ctx.store.read(r -> r.dueAlerts(ctx.clock.instant(), maxAttempts, limit));
    }

    /** Takes a due alert for one attempt, leasing it for {@code lease}; false when another took it. */
    public boolean claim(long alertId, Duration lease) {
        return ctx.store.write(w -> {
            Instant now = ctx.clock.instant();
            return w.claimAlert(alertId, now, now.plus(lease));
        });
    }

    /** Records a delivery attempt: delivered now when {@code error} is null, else due again after {@code retryIn}. */
    public void recordAttempt(long alertId, String error, Duration retryIn) {
        ctx.store.<Void>write(w -> {
            Instant now = ctx.clock.instant();
            w.recordAlertAttempt(alertId, error == null ? now : null, error == null ? now : now.plus(retryIn), error);
            return null;
        });
    }
}
