package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.access.IssuedKey;
import dev.entourage.ledger.access.Role;
import dev.entourage.ledger.testing.StoreContract;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What holds, stops and event ids do at the edges of a session's life: a hold that exactly fills a limit, the end
 * of a session with open holds, usage reported after the end, event ids of two agents, an agent that changes team.
 */
public abstract class SessionEndContract extends StoreContract {
    private static final TokenCounts TOKENS = new TokenCounts(1_000, 100, 0, 0, 0);
    private static final Actor LOCAL = Actor.local();

    private LedgerServices ledger;
    private Agent agent;

    protected SessionEndContract() {
        super(Instant.parse("2026-11-28T10:00:00Z"));
    }

    @BeforeEach
    void open() {
        ledger = fixture.services();
        ledger.settings().ensureDefaultTeam();
        agent = ledger.settings().setAgent(LOCAL, "eng-1", null,
                new AgentSettings(Change.to(1_000_000L), Change.keep()));
    }

    private long start() {
        return ledger.sessions().start(LOCAL, Ref.id(agent.id()), null, null).session().id();
    }

    private UsageReceipt report(Actor actor, long session, long micros, String eventId) {
        return ledger.usage().report(actor, new UsageReport(session, TOKENS, micros, null, eventId));
    }

    @Test
    void aHoldThatExactlyFillsTheLimitFitsAndSaysSo() {
        long session = start();
        HoldReceipt receipt = ledger.budgets().reserve(LOCAL, Ref.id(agent.id()), null, session, 1_000_000L);
        assertThat(receipt.budget().overBudget()).as("a hold that fits is not a stop: " + receipt.budget().violations())
                .isFalse();
        assertThat(receipt.budget().dailyRemaining()).isZero();
        BudgetExceededException more = catchThrowableOfType(BudgetExceededException.class,
                () -> ledger.budgets().reserve(LOCAL, Ref.id(agent.id()), null, session, 1));
        assertThat(more).as("nothing more fits beside it").isNotNull();

        UsageReceipt settled = ledger.usage().report(LOCAL, new UsageReport(session, TOKENS, 1_000_000L, null, null,
                receipt.hold().id()));
        assertThat(settled.action()).as("the report that spends the limit stops").isEqualTo(Action.STOP);
        assertThat(settled.stopReason()).isEqualTo("agent_daily");
    }

    @Test
    void endingASessionReleasesItsOpenHolds() {
        long session = start();
        BudgetHold hold = ledger.budgets().reserve(LOCAL, Ref.id(agent.id()), null, session, 900_000L).hold();
        ledger.sessions().end(LOCAL, session);

        assertThat(ledger.budgets().hold(LOCAL, hold.id()).status()).isEqualTo(HoldStatus.RELEASED);
        assertThat(ledger.budgets().check(LOCAL, Ref.id(agent.id()), null, null).dailyHeld()).isZero();
        assertThat(start()).as("the unused hold no longer blocks a new session").isPositive();
    }

    @Test
    void usageAfterTheEndIsRecordedAndAnsweredWithStop() {
        long session = start();
        Session ended = ledger.sessions().end(LOCAL, session);
        UsageReceipt late = report(LOCAL, session, 10_000, null);

        assertThat(late.action()).isEqualTo(Action.STOP);
        assertThat(late.stopReason()).isEqualTo("ended");
        assertThat(late.session().totals().costMicros()).as("it was spent, so it counts").isEqualTo(10_000L);
        assertThat(late.budget().dailySpent()).isEqualTo(10_000L);
        Session after = ledger.sessions().get(LOCAL, session);
        assertThat(after.status()).isEqualTo(SessionStatus.ENDED);
        assertThat(after.endedAt()).isEqualTo(ended.endedAt());
        assertThat(after.stopReason()).as("a session that ended normally was never stopped").isNull();
    }

    @Test
    void eventIdsAreOneNamespacePerAgent() {
        Agent other = ledger.settings().setAgent(LOCAL, "eng-2", null, AgentSettings.none());
        long mine = start();
        long theirs = ledger.sessions().start(LOCAL, Ref.id(other.id()), null, null).session().id();
        Actor me = Actor.agent(agent.teamId(), agent.id());
        Actor them = Actor.agent(other.teamId(), other.id());

        UsageReceipt first = report(them, theirs, 20_000, "evt-1");
        UsageReceipt second = report(me, mine, 10_000, "evt-1");
        assertThat(first.duplicate()).isFalse();
        assertThat(second.duplicate()).as("another agent's event id is not a replay").isFalse();
        assertThat(second.sessionId()).isEqualTo(mine);
        assertThat(second.costMicros()).isEqualTo(10_000L);
        assertThat(report(me, mine, 10_000, "evt-1").duplicate()).isTrue();
        assertThat(ledger.sessions().get(LOCAL, mine).totals().costMicros()).isEqualTo(10_000L);
        assertThat(ledger.sessions().get(LOCAL, theirs).totals().costMicros()).isEqualTo(20_000L);
    }

    @Test
    void anAgentMovedToAnotherTeamLosesTheKeysOfItsOldTeam() {
        Team other = ledger.settings().setTeam(LOCAL, "platform", TeamSettings.none());
        AccessService access = new AccessService(fixture.store(), fixture.clock());
        IssuedKey key = access.createKey(Team.DEFAULT_NAME, Role.AGENT, agent.name(), "laptop");
        assertThat(access.authenticate(key.secret())).isPresent();

        ledger.settings().setAgent(LOCAL, agent.name(), Ref.id(other.id()), AgentSettings.none());

        assertThat(access.authenticate(key.secret())).as("the old team's key stops working").isEmpty();
    }
}
