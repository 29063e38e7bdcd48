package dev.entourage.ledger;

import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.events.LedgerEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Model calls a gateway meters, each in two store transactions: {@link #begin} opens (or finds) the captured
 * session, places the hold on every scope and writes the record of the call; then exactly one of
 * {@link #settle}, {@link #floor} or {@link #release} charges the call (or not), settles or releases its hold and
 * closes the record. Both are {@linkplain LedgerStore#writeUnflushed unflushed} writes: no caller waits on them to
 * reach the disk (the gateway settles after the client has its answer), and a killed process loses neither. A call
 * whose process died in between is found by {@link #recoverAbandoned} and charged its floor, once: the record's state
 * changes in the transaction that records the usage, and a record closed already is never charged again.
 */
public final class MeteredCalls {
    /** The {@code query_source} of a call charged its floor. */
    public static final String FLOOR_SOURCE = "gateway_floor";
    /** The {@code query_source} of a call charged its exact usage. */
    public static final String EXACT_SOURCE = "gateway";
    /** The most open calls one recovery pass looks at (the next pass takes the rest). */
    private static final int RECOVERY_BATCH = 1000;
    private final LedgerContext ctx;
    private final CaptureService capture;

    MeteredCalls(LedgerContext ctx, CaptureService capture) {
        this.ctx = ctx;
        this.capture = capture;
    }

    /** A call begun: its record, its hold with the budget counting it, and its session. */
    public record Begun(MeteredCall call, HoldReceipt hold, Session session) {
    }

    /**
     * Opens or finds the session of {@code origin} (a resumed one is made active again), reserves
     * {@code holdMicros} on every scope and records the call as open, in one write transaction.
     *
     * @param model         the requested model
     * @param inputEstimate the input tokens the hold was sized for, charged as the floor if the call is cut
     * @throws BudgetExceededException when the hold does not fit (nothing is written, not even the session)
     * @throws LedgerException         as {@link CaptureService#record} refuses the origin, {@code invalid_request} on
     *                                 {@code estimated_cost_usd} or {@code input_tokens} out of range, or on
     *                                 {@code model} when the team refuses unpriced models and it has no price
     */
    public Begun begin(Actor actor, CaptureOrigin origin, String model, long holdMicros, long inputEstimate) {
        actor.mayWrite();
        Objects.requireNonNull(origin, "origin");
        String name = Text.required("model", model, 200);
        if (holdMicros < 0 || holdMicros > Money.MAX_REPORTED_MICROS) {
            throw LedgerException.invalid("estimated_cost_usd", "must be between 0 and 10000");
        }
        if (inputEstimate < 0 || inputEstimate > TokenCounts.MAX_TOKENS) {
            throw LedgerException.invalid("input_tokens", "must be between 0 and " + TokenCounts.MAX_TOKENS);
        }
        Opening opening = ctx.store.writeUnflushed(w -> {
            Instant now = ctx.clock.instant();
            Agent agent = ExternalSessions.agent(w, actor, origin);
            ExternalSessions.Opened opened = ExternalSessions.open(w, actor, agent, origin, null, null, now, true);
            Session session = opened.session();
            Team team = LedgerContext.team(w, agent.teamId());
            UnpricedModels.check(team, ctx.prices(), name, now);
            Task task = session.taskId() == null ? null : w.task(session.taskId()).orElse(null);
            HoldReceipt hold = Holds.reserve(w, new Subjects(team, agent, task, session), holdMicros, now,
                    ctx.eventIds.next(), now.plus(ctx.holdTtl));
            MeteredCall call = new MeteredCall(hold.hold().id(), session.id(), agent.id(), agent.teamId(),
                    origin.source().wireName(), origin.externalSessionId(), name, inputEstimate, CallOwner.current(),
                    now, hold.hold().expiresAt(), MeteredCallState.OPEN, null, null);
            w.insertMeteredCall(call);
            return new Opening(new Begun(call, hold, session), opened.changed());
        });
        if (opening.changed()) {
            ctx.events.publish(new LedgerEvent.SessionChanged(opening.begun().session()));
        }
        return opening.begun();
    }

    private record Opening(Begun begun, boolean changed) {
    }

    /**
     * Charges the call its exact usage, settles its hold and closes its record, in one write transaction; a call
     * recorded already under {@code usage}'s event id (a retry) counts once and its hold is released.
     *
     * @return the receipt; empty for a duplicate, or when the call was closed already (recovered after its hold
     *         expired: it was charged its floor then, and counts once)
     */
    public Optional<UsageReceipt> settle(Actor actor, MeteredCall call, CapturedCall usage) {
        return charge(actor, call, usage, MeteredCallState.SETTLED);
    }

    /**
     * Charges the call its floor ({@code tokens}, {@code query_source "gateway_floor"}) when its answer was cut
     * before its usage was known; otherwise as {@link #settle}.
     */
    public Optional<UsageReceipt> floor(Actor actor, MeteredCall call, String eventId, TokenCounts tokens) {
        return charge(actor, call, floorCall(call, eventId, tokens), MeteredCallState.FLOORED);
    }

    /** Releases the call's hold and closes its record, charging nothing (the upstream refused or was unreachable). */
    public MeteredCall release(Actor actor, MeteredCall call) {
        actor.mayWrite();
        return ctx.store.writeUnflushed(w -> {
            Instant now = ctx.clock.instant();
            MeteredCall stored = own(w, actor, call);
            if (w.closeMeteredCall(stored.holdId(), MeteredCallState.RELEASED, now, null)) {
                w.hold(stored.holdId()).filter(h -> h.statusAt(now) == HoldStatus.HELD)
                        .ifPresent(h -> w.closeHold(h.id(), HoldStatus.RELEASED, now, null));
            }
            return w.meteredCall(stored.holdId()).orElseThrow();
        });
    }

    /**
     * Charges its floor (its input estimate, no output, {@code query_source "gateway_floor"}, event id
     * {@code gw_<hold id>}) to every open call whose maker is gone ({@link CallOwner#gone}) or whose hold expired,
     * each in its own write transaction; calls of live processes whose holds still run are left alone. Safe to run
     * from several processes at once: a call is charged by the first transaction that closes it.
     *
     * @return the receipts of the calls charged now
     */
    public List<UsageReceipt> recoverAbandoned() {
        List<UsageReceipt> charged = new ArrayList<>();
        Instant now = ctx.clock.instant();
        List<MeteredCall> open = ctx.store.read(r -> r.openMeteredCalls(RECOVERY_BATCH));
        for (MeteredCall call : open) {
            boolean mine = call.owner().equals(CallOwner.current());
            if (call.expiresAt().isAfter(now) && (mine || !CallOwner.gone(call.owner()))) {
                continue;
            }
            TokenCounts floor = new TokenCounts(call.inputEstimate(), 0, 0, 0, 0);
            charge(Actor.local(), call, floorCall(call, "gw_" + call.holdId(), floor), MeteredCallState.RECOVERED)
                    .ifPresent(charged::add);
        }
        return charged;
    }

    /** The call as stored. */
    public Optional<MeteredCall> call(Actor actor, String holdId) {
        return ctx.store.read(r -> r.meteredCall(holdId).filter(c -> actor.sees(c.teamId())));
    }

    private Optional<UsageReceipt> charge(Actor actor, MeteredCall call, CapturedCall usage, MeteredCallState state) {
        actor.mayWrite();
        Objects.requireNonNull(usage, "usage");
        Optional<UsageReceipt> receipt = ctx.store.writeUnflushed(w -> {
            MeteredCall stored = own(w, actor, call);
            if (!w.closeMeteredCall(stored.holdId(), state, ctx.clock.instant(), usage.eventId())) {
                return Optional.<UsageReceipt>empty();
            }
            return capture.settling(w, actor, usage, stored.holdId());
        });
        receipt.ifPresent(r -> UsageCharge.published(ctx.events, ctx.clock, r));
        return receipt;
    }

    private static MeteredCall own(LedgerReader r, Actor actor, MeteredCall call) {
        Objects.requireNonNull(call, "call");
        MeteredCall stored = r.meteredCall(call.holdId()).orElseThrow(() -> LedgerException.invalid("hold_id",
                "no metered call of hold '" + call.holdId() + "' exists"));
        Agent agent = LedgerContext.agent(r, stored.agentId());
        if (!actor.actsFor(agent)) {
            throw LedgerContext.forbidden("hold_id", "the call belongs to another agent");
        }
        return stored;
    }

    private CapturedCall floorCall(MeteredCall call, String eventId, TokenCounts tokens) {
        CaptureOrigin origin = new CaptureOrigin(CaptureSource.fromWire(call.source()), call.externalId(),
                Ref.id(call.agentId()), null);
        return new CapturedCall(origin, eventId, ctx.clock.instant(), call.model(), tokens, null, null, FLOOR_SOURCE,
                null);
    }
}
