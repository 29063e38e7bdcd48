package dev.entourage.http.gateway;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.MeteredCall;
import dev.entourage.ledger.MeteredCalls;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.capture.CapturedCall;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger calls of one metered gateway call, in one place, over {@link MeteredCalls}: begin it (session, hold and
 * in-flight record, so a bridge killed mid-call still charges its floor at the next start), then release it (nothing
 * charged), settle it with the provider's usage, or charge its floor.
 */
final class Metering {
    private static final Logger LOG = LoggerFactory.getLogger(Metering.class);
    private final LedgerServices ledger;

    Metering(LedgerServices ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /** A begun call, and the budget as its hold left it. */
    record Held(MeteredCall call, dev.entourage.ledger.Budget budget) {
        String holdId() {
            return call.holdId();
        }
    }

    /**
     * Begins the payer's call: its session, a hold of {@code micros} on every scope and its in-flight record.
     *
     * @throws dev.entourage.ledger.BudgetExceededException when the hold does not fit (nothing is written)
     * @throws LedgerException                              as opening the session refuses
     */
    Held hold(Payer payer, String model, long micros, long inputEstimate) {
        MeteredCalls.Begun begun = ledger.metered().begin(payer.actor(), payer.origin(), model, micros, inputEstimate);
        return new Held(begun.call(), begun.hold().budget());
    }

    /** Releases the hold of a call that cost nothing. */
    void release(Payer payer, Held held) {
        ledger.metered().release(payer.actor(), held.call());
    }

    /**
     * Records the call as {@code eventId} (a duplicate counts once), settling its hold. A failure is logged and
     * swallowed: the answer went to the client already, and the call is charged its floor when its hold expires.
     *
     * @param exact       whether {@code tokens} are the provider's own or a floor
     * @param serviceTier the tier the answer names ({@code default}, {@code flex}, {@code priority}…), or null:
     *                    priced by the engine's tier multiplier and kept on the event
     */
    void record(Payer payer, Held held, String eventId, String model, TokenCounts tokens, boolean exact,
                String serviceTier) {
        try {
            if (exact) {
                ledger.metered().settle(payer.actor(), held.call(), new CapturedCall(payer.origin(), eventId,
                        ledger.clock().instant(), model, tokens, null, null, MeteredCalls.EXACT_SOURCE, null,
                        serviceTier, null));
            } else {
                ledger.metered().floor(payer.actor(), held.call(), eventId, tokens);
            }
        } catch (RuntimeException e) {
            LOG.warn("gateway: could not record request {} of session {} ({}); it is charged its floor when its "
                    + "hold expires", eventId, held.call().sessionId(), e.getClass().getSimpleName());
        }
    }

    /** The zone a refusal names its reset in: the agent's team's, else UTC. */
    ZoneId teamZone(Payer payer, long agentId) {
        try {
            long team = ledger.settings().agent(payer.actor(), Ref.id(agentId)).teamId();
            return ledger.settings().team(payer.actor(), Ref.id(team)).zone();
        } catch (LedgerException e) {
            return ZoneOffset.UTC;
        }
    }
}
