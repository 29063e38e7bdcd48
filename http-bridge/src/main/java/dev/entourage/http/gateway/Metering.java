package dev.entourage.http.gateway;

import dev.entourage.ledger.HoldReceipt;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.capture.CapturedCall;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger calls of one metered gateway call, in one place: open the captured session and place the hold, then
 * release it (nothing charged) or record the call settling it. The same calls {@link AnthropicGateway} makes.
 */
final class Metering {
    private static final Logger LOG = LoggerFactory.getLogger(Metering.class);
    private final LedgerServices ledger;

    Metering(LedgerServices ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /** A placed hold, on the session it is for. */
    record Held(Session session, String holdId) {
    }

    /**
     * Opens the payer's session and reserves {@code micros} on every scope.
     *
     * @throws dev.entourage.ledger.BudgetExceededException when the hold does not fit
     * @throws LedgerException                              as opening the session refuses
     */
    Held hold(Payer payer, long micros) {
        Session session = ledger.sessions().openExternal(payer.actor(), payer.origin(), null, null);
        HoldReceipt hold = ledger.budgets().reserve(payer.actor(), Ref.id(session.agentId()), null, session.id(),
                micros);
        return new Held(session, hold.hold().id());
    }

    /** Releases the hold of a call that cost nothing. */
    void release(Payer payer, Held held) {
        ledger.budgets().release(payer.actor(), held.holdId());
    }

    /**
     * Records the call as {@code eventId} (a duplicate counts once and its hold is released), settling the hold. A
     * failure is logged and swallowed: the answer went to the client already, and the hold expires by itself.
     *
     * @param exact       whether {@code tokens} are the provider's own ({@code query_source "gateway"}) or a floor
     *                    ({@code "gateway_floor"})
     * @param serviceTier the tier the answer names, or null; not priced yet (the call is charged at the standard
     *                    tier) until {@link CapturedCall} carries a tier to the engine's {@code PriceRequest}
     */
    void record(Payer payer, Held held, String eventId, String model, TokenCounts tokens, boolean exact,
                String serviceTier) {
        try {
            ledger.capture().recordSettling(payer.actor(), new CapturedCall(payer.origin(), eventId,
                    ledger.clock().instant(), model, tokens, null, null, exact ? "gateway" : "gateway_floor", null),
                    held.holdId());
        } catch (RuntimeException e) {
            LOG.warn("gateway: could not record request {} of session {} ({}); its hold expires by itself", eventId,
                    held.session().id(), e.getClass().getSimpleName());
        }
    }

    /** The zone a refusal names its reset in: the team's, else UTC. */
    ZoneId teamZone(Payer payer) {
        try {
            Session session = ledger.sessions().openExternal(payer.actor(), payer.origin(), null, null);
            return ledger.settings().team(payer.actor(), Ref.id(session.teamId())).zone();
        } catch (LedgerException e) {
            return ZoneOffset.UTC;
        }
    }
}
