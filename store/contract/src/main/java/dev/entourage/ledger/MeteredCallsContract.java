package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import dev.entourage.ledger.capture.CapturedCall;
import dev.entourage.ledger.testing.StoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's metered calls: begun with the session, the hold and an open record in one transaction (or nothing
 * at all when the hold does not fit), then charged exactly once by settling, flooring, releasing or recovery.
 */
public abstract class MeteredCallsContract extends StoreContract {
    private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
    private static final String SONNET = "claude-sonnet-4-20250514";
    private static final Actor LOCAL = Actor.local();

    private LedgerServices ledger;
    private Agent agent;

    protected MeteredCallsContract() {
        super(START);
    }

    @BeforeEach
    void open() {
        ledger = fixture.services();
        ledger.settings().ensureDefaultTeam();
        agent = ledger.settings().setAgent(LOCAL, "eng-1", null,
                new AgentSettings(Change.to(1_000_000L), Change.keep()));
    }

    private static CaptureOrigin origin(String sessionId) {
        return new CaptureOrigin(CaptureSource.CLAUDE_CODE, sessionId, Ref.name("eng-1"), null);
    }

    private MeteredCalls.Begun begin(String sessionId, long holdMicros) {
        return ledger.metered().begin(LOCAL, origin(sessionId), SONNET, holdMicros, 2_000);
    }

    private Budget budget() {
        return ledger.budgets().check(LOCAL, Ref.id(agent.id()), null, null);
    }

    private MeteredCall stored(MeteredCall call) {
        return ledger.metered().call(LOCAL, call.holdId()).orElseThrow();
    }

    private StoredUsage usage(String eventId) {
        return fixture.store().read(r -> r.usageByEventId(agent.id(), eventId)).orElseThrow();
    }

    @Test
    void beginningOpensTheSessionPlacesTheHoldAndRecordsTheCallAsOpen() {
        MeteredCalls.Begun begun = begin("cc-1", 300_000L);

        assertThat(begun.session().agentId()).isEqualTo(agent.id());
        assertThat(begun.hold().hold().amountMicros()).isEqualTo(300_000L);
        assertThat(begun.hold().budget().dailyHeld()).isEqualTo(300_000L);
        MeteredCall call = stored(begun.call());
        assertThat(call.state()).isEqualTo(MeteredCallState.OPEN);
        assertThat(call.sessionId()).isEqualTo(begun.session().id());
        assertThat(call.inputEstimate()).isEqualTo(2_000L);
        assertThat(call.owner()).isEqualTo(CallOwner.current());
        assertThat(call.expiresAt()).isEqualTo(begun.hold().hold().expiresAt());
        assertThat(budget().dailyHeld()).isEqualTo(300_000L);
    }

    @Test
    void aHoldThatDoesNotFitWritesNothingNotEvenTheSession() {
        BudgetExceededException refused = catchThrowableOfType(BudgetExceededException.class,
                () -> begin("cc-over", 1_500_000L));

        assertThat(refused).isNotNull();
        assertThat(ledger.sessions().list(LOCAL, Ref.id(agent.id()), SessionQuery.latest(10))).isEmpty();
        List<MeteredCall> open = fixture.store().read(r -> r.openMeteredCalls(10));
        assertThat(open).isEmpty();
        assertThat(budget().dailyHeld()).isZero();
    }

    @Test
    void aTeamRefusingUnpricedModelsRefusesTheCallNamingTheModelAndWritesNothing() {
        ledger.settings().setTeam(LOCAL, Team.DEFAULT_NAME,
                TeamSettings.none().withRefuseUnpricedModels(Change.to(true)));

        LedgerException refused = catchThrowableOfType(LedgerException.class, () -> ledger.metered()
                .begin(LOCAL, origin("cc-unpriced"), "claude-nonesuch-9", 10_000L, 2_000));

        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(refused.getMessage()).contains("model");
        assertThat(ledger.sessions().list(LOCAL, Ref.id(agent.id()), SessionQuery.latest(10))).isEmpty();
        List<MeteredCall> open = fixture.store().read(r -> r.openMeteredCalls(10));
        assertThat(open).isEmpty();
        assertThat(budget().dailyHeld()).isZero();
        assertThat(begin("cc-priced", 10_000L).call().state()).isEqualTo(MeteredCallState.OPEN);
    }

    @Test
    void settlingChargesTheExactUsageSettlesTheHoldAndClosesTheCallOnce() {
        MeteredCalls.Begun begun = begin("cc-2", 300_000L);
        CapturedCall exact = new CapturedCall(origin("cc-2"), "req_1", START, SONNET,
                new TokenCounts(1_000, 100, 0, 0, 0), null, null, MeteredCalls.EXACT_SOURCE, null);

        Optional<UsageReceipt> settled = ledger.metered().settle(LOCAL, begun.call(), exact);
        Optional<UsageReceipt> again = ledger.metered().floor(LOCAL, begun.call(), "req_1b",
                new TokenCounts(2_000, 0, 0, 0, 0));
        fixture.clock().advance(Duration.ofHours(1));
        List<UsageReceipt> recovered = ledger.metered().recoverAbandoned();

        assertThat(settled).isPresent();
        assertThat(again).isEmpty();
        assertThat(recovered).isEmpty();
        assertThat(stored(begun.call()).state()).isEqualTo(MeteredCallState.SETTLED);
        assertThat(stored(begun.call()).eventId()).isEqualTo("req_1");
        assertThat(ledger.budgets().hold(LOCAL, begun.call().holdId()).status()).isEqualTo(HoldStatus.SETTLED);
        assertThat(budget().dailySpent()).isEqualTo(settled.get().costMicros());
        assertThat(usage("req_1").labels().querySource()).isEqualTo("gateway");
    }

    @Test
    void flooringChargesTheFloorTokensAsAGatewayFloor() {
        MeteredCalls.Begun begun = begin("cc-3", 300_000L);

        Optional<UsageReceipt> floored = ledger.metered().floor(LOCAL, begun.call(), "req_cut",
                new TokenCounts(2_000, 40, 0, 0, 0));

        assertThat(floored).isPresent();
        assertThat(stored(begun.call()).state()).isEqualTo(MeteredCallState.FLOORED);
        StoredUsage usage = usage("req_cut");
        assertThat(usage.tokens()).isEqualTo(new TokenCounts(2_000, 40, 0, 0, 0));
        assertThat(usage.labels().querySource()).isEqualTo(MeteredCalls.FLOOR_SOURCE);
        assertThat(budget().dailySpent()).isEqualTo(floored.get().costMicros()).isPositive();
        assertThat(budget().dailyHeld()).isZero();
    }

    @Test
    void releasingChargesNothingAndFreesTheHold() {
        MeteredCalls.Begun begun = begin("cc-4", 300_000L);

        MeteredCall released = ledger.metered().release(LOCAL, begun.call());
        fixture.clock().advance(Duration.ofHours(1));

        assertThat(released.state()).isEqualTo(MeteredCallState.RELEASED);
        assertThat(ledger.metered().recoverAbandoned()).isEmpty();
        assertThat(ledger.budgets().hold(LOCAL, begun.call().holdId()).status()).isEqualTo(HoldStatus.RELEASED);
        assertThat(budget().dailySpent()).isZero();
        assertThat(budget().dailyHeld()).isZero();
    }

    @Test
    void recoveryLeavesALiveProcessesCallAloneUntilItsHoldExpiresThenChargesItsFloorOnce() {
        MeteredCalls.Begun begun = begin("cc-5", 300_000L);

        assertThat(ledger.metered().recoverAbandoned()).isEmpty();
        assertThat(stored(begun.call()).state()).isEqualTo(MeteredCallState.OPEN);

        fixture.clock().advance(LedgerServices.DEFAULT_HOLD_TTL);
        List<UsageReceipt> recovered = ledger.metered().recoverAbandoned();
        List<UsageReceipt> twice = ledger.metered().recoverAbandoned();
        Optional<UsageReceipt> lateSettle = ledger.metered().settle(LOCAL, begun.call(), new CapturedCall(
                origin("cc-5"), "req_late", START, SONNET, new TokenCounts(9_000, 900, 0, 0, 0), null, null,
                MeteredCalls.EXACT_SOURCE, null));

        assertThat(recovered).hasSize(1);
        assertThat(twice).isEmpty();
        assertThat(lateSettle).isEmpty();
        MeteredCall call = stored(begun.call());
        assertThat(call.state()).isEqualTo(MeteredCallState.RECOVERED);
        assertThat(call.eventId()).isEqualTo("gw_" + call.holdId());
        StoredUsage usage = usage("gw_" + call.holdId());
        assertThat(usage.tokens()).isEqualTo(new TokenCounts(2_000, 0, 0, 0, 0));
        assertThat(usage.labels().querySource()).isEqualTo(MeteredCalls.FLOOR_SOURCE);
        assertThat(usage.sessionId()).isEqualTo(begun.session().id());
        assertThat(budget().dailySpent()).isEqualTo(recovered.get(0).costMicros()).isPositive();
        Optional<StoredUsage> late = fixture.store().read(r -> r.usageByEventId(agent.id(), "req_late"));
        assertThat(late).isEmpty();
    }

    @Test
    void anotherAgentsKeyMayNotCloseTheCall() {
        MeteredCalls.Begun begun = begin("cc-6", 300_000L);
        Agent other = ledger.settings().setAgent(LOCAL, "eng-2", null,
                new AgentSettings(Change.to(1_000_000L), Change.keep()));

        LedgerException refused = catchThrowableOfType(LedgerException.class, () -> ledger.metered()
                .release(Actor.agent(other.teamId(), other.id()), begun.call()));

        assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(stored(begun.call()).state()).isEqualTo(MeteredCallState.OPEN);
    }
}
