package dev.entourage.ledger;

import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureReceipt;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.capture.CapturedError;
import dev.entourage.ledger.capture.MetricPoint;
import dev.entourage.ledger.events.LedgerEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Usage captured from coding agents' telemetry: model calls, API errors and the metric cross-check. Each record
 * lands on the session of its {@link CaptureOrigin}, found by the agent's own session id or created on first sight
 * (never refused for budget: the work happened). A record the actor may not write (no or unknown agent, another
 * agent than an agent key's own, another team's) is rejected with a reason naming the field; the others of the batch
 * are recorded. A batch is written in write units of at most {@value #CHUNK} records.
 */
public final class CaptureService {
    /** Records per write unit. */
    static final int CHUNK = 500;
    private static final String CAPTURED = "captured|";
    private final LedgerContext ctx;

    CaptureService(LedgerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Records each call and charges every scope exactly as a usage report does (alerts, the runaway guard, the stop
     * reason recorded on the session), marking its session captured: from then on usage reports on it are claims.
     * Event ids are one namespace per agent with {@code report_usage}'s {@code event_id}: a call whose id is recorded
     * already (a re-sent batch, or a report with that id) counts as a duplicate and writes nothing. A reported cost
     * is what is charged ({@code cost_source "reported"}), our table's figure kept beside it.
     *
     * @return accepted calls, duplicates, and the rejected ones with their reasons; {@code rejections} also carries
     *         warnings about accepted calls (a task an agent key could not create)
     */
    public CaptureReceipt record(Actor actor, List<CapturedCall> calls) {
        actor.mayWrite();
        Batch<UsageReceipt> batch = run(Objects.requireNonNull(calls, "calls"), (w, call, notes) -> {
            UsageReceipt receipt = recordCall(w, actor, call, notes);
            return receipt == null ? Optional.empty() : Optional.of(receipt);
        });
        batch.results.forEach(receipt -> UsageCharge.published(ctx.events, ctx.clock, receipt));
        return batch.receipt();
    }

    /**
     * One call a gateway forwarded, recorded and charged as {@link #record} does, and the hold placed before it closed
     * in the same write transaction: settled by the call, or released when the call's event id is recorded already (a
     * retried call counts once).
     *
     * @param holdId the agent's hold for this call, or null
     * @return the receipt, or empty for a duplicate
     * @throws LedgerException as {@link #record} rejects a call, and {@code invalid_request} on {@code hold_id} for
     *                         another agent's hold or one settled already
     */
    public Optional<UsageReceipt> recordSettling(Actor actor, CapturedCall call, String holdId) {
        actor.mayWrite();
        Objects.requireNonNull(call, "call");
        Optional<UsageReceipt> receipt = ctx.store.write(w -> settling(w, actor, call, holdId));
        receipt.ifPresent(r -> UsageCharge.published(ctx.events, ctx.clock, r));
        return receipt;
    }

    /** {@link #recordSettling}'s writes inside the caller's transaction; the caller publishes the receipt. */
    Optional<UsageReceipt> settling(LedgerWriter w, Actor actor, CapturedCall call, String holdId) {
        Batch<UsageReceipt> notes = new Batch<>();
        Session session = session(w, actor, call.origin(), notes);
        boolean duplicate = w.usageByEventId(session.agentId(), call.eventId()).isPresent();
        Instant now = ctx.clock.instant();
        if (holdId != null && duplicate) {
            w.hold(holdId).filter(h -> h.agentId() == session.agentId() && h.statusAt(now) == HoldStatus.HELD)
                    .ifPresent(h -> w.closeHold(h.id(), HoldStatus.RELEASED, now, null));
        } else if (holdId != null) {
            Holds.settle(w, holdId, LedgerContext.agent(w, session.agentId()), call.eventId(), now);
        }
        return duplicate ? Optional.empty() : Optional.ofNullable(recordCall(w, actor, call, notes));
    }

    /** Counts each API error on its session. Errors carry no id: a re-sent batch counts its errors again. */
    public CaptureReceipt recordErrors(Actor actor, List<CapturedError> errors) {
        actor.mayWrite();
        return run(Objects.requireNonNull(errors, "errors"), (w, error, notes) -> {
            w.addApiErrors(session(w, actor, error.origin(), notes).id(), 1);
            return Optional.of(error);
        }).receipt();
    }

    /**
     * Adds metric points to their sessions' metric totals, for the cross-check only: never charged to budgets. A
     * session whose metric total exceeds its events' total by more than one cent is flagged
     * ({@link Session#metricMismatch()}); self-reports made before capture began are left out of that total. A
     * re-sent batch of delta points counts again.
     */
    public CaptureReceipt recordMetrics(Actor actor, List<MetricPoint> points) {
        actor.mayWrite();
        return run(Objects.requireNonNull(points, "points"), (w, point, notes) -> {
            w.addMetric(session(w, actor, point.origin(), notes).id(), point.seriesKey(), point.costMicros(),
                    point.cumulative());
            return Optional.of(point);
        }).receipt();
    }

    /** Whether a stored event came from telemetry (a report with its event id is then a duplicate of it). */
    static boolean isCaptured(StoredUsage usage) {
        return usage.fingerprint().startsWith(CAPTURED);
    }

    private UsageReceipt recordCall(LedgerWriter w, Actor actor, CapturedCall call, Batch<?> notes) {
        Session session = session(w, actor, call.origin(), notes);
        if (w.usageByEventId(session.agentId(), call.eventId()).isPresent()) {
            return null;
        }
        Instant now = ctx.clock.instant();
        Agent agent = LedgerContext.agent(w, session.agentId());
        Team team = LedgerContext.team(w, agent.teamId());
        Task task = session.taskId() == null ? null : w.task(session.taskId()).orElse(null);
        w.expireHolds(team.id(), now);
        String model = call.model() != null ? call.model() : session.model();
        UsageCharge.Cost cost = UsageCharge.Cost.of(ctx.prices(), model, call.tokens(), call.reportedCostMicros(),
                call.occurredAt(), call.speed(), call.serviceTier(), call.inferenceGeo());
        UsageCharge.Charged charged = UsageCharge.charge(w, new Subjects(team, agent, task, session), call.tokens(),
                cost.micros(), now);
        w.addCapturedCost(session.id(), cost.micros());
        UsageLabels labels = new UsageLabels(call.speed(), call.querySource(), call.subagent(),
                cost.source() == CostSource.REPORTED ? cost.pricedMicros() : null, call.serviceTier(),
                call.inferenceGeo());
        String fingerprint = CAPTURED + call.origin().source().wireName() + "|" + call.origin().externalSessionId();
        w.insertUsage(new StoredUsage(call.eventId(), session.id(), agent.id(), team.id(), session.taskId(), model,
                call.tokens(), cost.micros(), cost.source(), cost.price(), fingerprint, charged.action(),
                charged.stopReason(), now, labels, false));
        return new UsageReceipt(session.id(), call.eventId(), false, cost.micros(), cost.source(),
                w.session(session.id()).orElseThrow(), charged.budget(), charged.action(), charged.stopReason(), null,
                null, charged.alerts());
    }

    private Session session(LedgerWriter w, Actor actor, CaptureOrigin origin, Batch<?> notes) {
        ExternalSessions.Opened opened = ExternalSessions.open(w, actor, origin, null, null, ctx.clock.instant(),
                false);
        if (opened.warning() != null) {
            notes.notes.add(opened.warning());
        }
        if (opened.changed()) {
            notes.opened.put(opened.session().id(), opened.session());
        }
        return opened.session();
    }

    /** One record's work: its result, or empty for a duplicate; warnings and opened sessions go to the batch. */
    private interface Work<T, R> {
        Optional<R> apply(LedgerWriter w, T record, Batch<?> notes);
    }

    /** What a batch did. */
    private static final class Batch<R> {
        final List<R> results = new ArrayList<>();
        final Set<String> notes = new LinkedHashSet<>();
        final Map<Long, Session> opened = new LinkedHashMap<>();
        int accepted;
        int duplicates;
        int rejected;

        void add(Batch<R> part) {
            results.addAll(part.results);
            notes.addAll(part.notes);
            opened.putAll(part.opened);
            accepted += part.accepted;
            duplicates += part.duplicates;
            rejected += part.rejected;
        }

        CaptureReceipt receipt() {
            return new CaptureReceipt(accepted, duplicates, rejected, List.copyOf(notes));
        }
    }

    /**
     * Runs {@code one} for each record, in write units of {@link #CHUNK}; a record refused with an
     * {@code invalid_request}, {@code not_found} or {@code forbidden} is counted as rejected (it wrote nothing: the
     * refusals come before its writes), a storage failure fails the batch.
     */
    private <T, R> Batch<R> run(List<T> records, Work<T, R> one) {
        Batch<R> total = new Batch<>();
        for (int from = 0; from < records.size(); from += CHUNK) {
            List<T> chunk = records.subList(from, Math.min(records.size(), from + CHUNK));
            Batch<R> part = ctx.store.write(w -> {
                Batch<R> b = new Batch<>();
                for (T record : chunk) {
                    try {
                        Optional<R> result = one.apply(w, Objects.requireNonNull(record, "record"), b);
                        if (result.isEmpty()) {
                            b.duplicates++;
                        } else {
                            b.accepted++;
                            b.results.add(result.get());
                        }
                    } catch (LedgerException e) {
                        if (!rejectable(e.code())) {
                            throw e;
                        }
                        b.rejected++;
                        b.notes.add(e.getMessage());
                    }
                }
                return b;
            });
            total.add(part);
        }
        total.opened.values().forEach(session -> ctx.events.publish(new LedgerEvent.SessionChanged(session)));
        return total;
    }

    private static boolean rejectable(ErrorCode code) {
        return code == ErrorCode.INVALID_REQUEST || code == ErrorCode.NOT_FOUND || code == ErrorCode.FORBIDDEN;
    }
}
