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
 * charged) before its response completes, or settle it with the provider's usage or charge its floor after
 * ({@link PendingSettles}).
 */
final class Metering {
    private static final Logger LOG = LoggerFactory.getLogger(Metering.class);
    private final LedgerServices ledger;
    private final PendingSettles settles;

    Metering(LedgerServices ledger, PendingSettles settles) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.settles = Objects.requireNonNull(settles, "settles");
    }

    /** A begun call, and the budget as its hold left it. */
    record Held(MeteredCall call, dev.entourage.ledger.Budget budget) {
        String holdId() {
            return call.holdId();
        }
    }

    /**
     * Begins the payer's call: its session, a hold of {@code micros} on every scope and its in-flight record. A
     * refusal while earlier calls' settles are still running waits for them and tries once more.
     *
     * @throws dev.entourage.ledger.BudgetExceededException when the hold does not fit (nothing is written)
     * @throws LedgerException                              as opening the session refuses
     */
    Held hold(Payer payer, String model, long micros, long inputEstimate) {
        MeteredCalls.Begun begun = settles.begin(
                () -> ledger.metered().begin(payer.actor(), payer.origin(), model, micros, inputEstimate));
        return new Held(begun.call(), begun.hold().budget());
    }

    /** Releases the hold of a call that cost nothing. */
    void release(Payer payer, Held held) {
        ledger.metered().release(payer.actor(), held.call());
    }

    /**
     * The settle of the call, to run once its response has completed: recorded with the provider's {@code usage}
     * (its event id; a duplicate counts once). A failure is logged and swallowed: the answer went to the client
     * already, and the call is charged its floor when its hold expires.
     */
    Runnable settleLater(Payer payer, Held held, CapturedCall usage) {
        return settles.later(() -> recorded(usage.eventId(), held,
                () -> ledger.metered().settle(payer.actor(), held.call(), usage)));
    }

    /** Like {@link #settleLater}, charging the call {@code floor} as {@code eventId} (the answer had no usage). */
    Runnable floorLater(Payer payer, Held held, String eventId, TokenCounts floor) {
        return settles.later(() -> recorded(eventId, held,
                () -> ledger.metered().floor(payer.actor(), held.call(), eventId, floor)));
    }

    /** The capture of a settled call, as the gateway records it. */
    CapturedCall exact(Payer payer, String eventId, String model, TokenCounts tokens, String speed,
                       String serviceTier, String inferenceGeo) {
        return new CapturedCall(payer.origin(), eventId, ledger.clock().instant(), model, tokens, null, speed,
                MeteredCalls.EXACT_SOURCE, null, serviceTier, inferenceGeo);
    }

    private static void recorded(String eventId, Held held, Runnable write) {
        try {
            write.run();
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
