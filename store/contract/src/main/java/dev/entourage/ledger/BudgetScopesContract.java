package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import dev.entourage.ledger.testing.StoreContract;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scopes added as rules: the session cap (per team and per task type), weekly and monthly windows of agents
 * and teams in the team's zone, and what a session keeps of why it was stopped.
 */
public abstract class BudgetScopesContract extends StoreContract {
    private static final TokenCounts TOKENS = new TokenCounts(100, 10, 0, 0, 0);
    private static final Actor LOCAL = Actor.local();

    MutableClock clock;
    LedgerStore store;
    LedgerServices ledger;
    Agent agent;

    protected BudgetScopesContract() {
        super(at("2026-11-30T10:00:00+01:00")); // a Monday in Paris
    }

    @BeforeEach
    void open() {
        clock = fixture.clock();
        store = fixture.store();
        ledger = fixture.services();
        ledger.settings().ensureDefaultTeam();
        ledger.settings().setTeam(LOCAL, Team.DEFAULT_NAME, new TeamSettings(Change.keep(),
                Change.to(ZoneId.of("Europe/Paris")), Change.keep(), Change.keep()));
        agent = ledger.settings().ensureAgent(LOCAL, "eng-1", null);
    }

    private static Instant at(String time) {
        return OffsetDateTime.parse(time).toInstant();
    }

    private long start(Long taskId) {
        return ledger.sessions().start(LOCAL, Ref.id(agent.id()), taskId, null).session().id();
    }

    private UsageReceipt report(long session, long micros) {
        return ledger.usage().report(LOCAL, new UsageReport(session, TOKENS, micros, null, null));
    }

    private long spent(SpendKey key) {
        return store.read(r -> r.spent(key));
    }

    private void team(TeamSettings settings) {
        ledger.settings().setTeam(LOCAL, Team.DEFAULT_NAME, settings);
    }

    private void agentLimits(Long weekly, Long monthly) {
        ledger.settings().setAgent(LOCAL, agent.name(), null, AgentSettings.none()
                .withWindows(Change.to(weekly), Change.to(monthly)));
    }

    @Test
    void manyCountersReadTogetherAreEachAsReadAlone() {
        List<SpendKey> keys = new java.util.ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            keys.add(SpendKey.agentDay(i, java.time.LocalDate.of(2026, 11, i)));
            keys.add(SpendKey.task(i));
        }
        store.write(w -> {
            for (int i = 0; i < keys.size(); i += 3) {
                w.addSpend(keys.get(i), 1_000L + i);
            }
            return null;
        });
        List<SpendKey> asked = new java.util.ArrayList<>(keys);
        asked.add(keys.get(0));
        asked.add(SpendKey.teamDay(99, java.time.LocalDate.of(2026, 11, 30)));

        Map<SpendKey, Long> together = store.read(r -> r.spentAll(asked));

        assertThat(together).hasSize(asked.size() - 1);
        for (SpendKey key : asked) {
            assertThat(together.get(key)).as("%s", key).isEqualTo(spent(key));
        }
        assertThat(together.get(keys.get(3))).isEqualTo(1_003L);
        assertThat(together.get(keys.get(4))).isZero();
    }

    @Test
    void manyCountersAddedTogetherAreEachAsAddedAlone() {
        List<SpendKey> keys = new java.util.ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            keys.add(SpendKey.agentDay(i, java.time.LocalDate.of(2026, 11, i)));
        }
        store.write(w -> {
            for (int i = 0; i < keys.size(); i += 3) {
                w.addSpend(keys.get(i), 1_000L + i);
            }
            return null;
        });

        Map<SpendKey, Long> totals = store.write(w -> {
            Map<SpendKey, Long> added = w.addSpendAll(keys, 7L);
            assertThat(w.addSpend(keys.get(1), 0L)).as("the unit reads its own additions").isEqualTo(7L);
            return added;
        });

        assertThat(totals).hasSize(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            long expected = (i % 3 == 0 ? 1_000L + i : 0L) + 7L;
            assertThat(totals.get(keys.get(i))).as("%s", keys.get(i)).isEqualTo(expected);
            assertThat(spent(keys.get(i))).as("%s as stored", keys.get(i)).isEqualTo(expected);
        }
    }

    @Test
    void aSessionPastItsCapIsToldToStopWhileANewSessionMayStart() {
        team(TeamSettings.none().withSessionCaps(Change.to(500_000L), Change.keep()));
        long session = start(null);
        assertThat(report(session, 499_999).action()).isEqualTo(Action.CONTINUE);
        UsageReceipt over = report(session, 1);
        assertThat(over.action()).isEqualTo(Action.STOP);
        assertThat(over.stopReason()).isEqualTo("session");
        ScopeBudget cap = over.budget().scope(Scope.SESSION);
        assertThat(cap.limitMicros()).isEqualTo(500_000L);
        assertThat(cap.spentMicros()).isEqualTo(500_000L);
        assertThat(cap.remainingMicros()).isZero();
        assertThat(over.budget().violations().get(0).resetsAt()).as("a session cap never resets").isNull();

        long next = start(null);
        assertThat(report(next, 100_000).action()).isEqualTo(Action.CONTINUE);
        assertThat(ledger.budgets().check(LOCAL, Ref.id(agent.id()), null, null).scope(Scope.SESSION).spentMicros())
                .as("the newest active session's cap").isEqualTo(100_000L);
    }

    @Test
    void aTaskTypesSessionCapWinsOverTheTeamsAndAHoldCountsAgainstIt() {
        team(TeamSettings.none().withSessionCaps(Change.to(5_000_000L), Change.to(Map.of("bugfix", 300_000L))));
        Task bugfix = ledger.settings().createTask(LOCAL, Ref.name(Team.DEFAULT_NAME),
                new NewTask("Fix", null, "bugfix", List.of(), null));
        long session = start(bugfix.id());
        assertThat(ledger.budgets().check(LOCAL, Ref.id(agent.id()), null, session).scope(Scope.SESSION)
                .limitMicros()).isEqualTo(300_000L);

        ledger.budgets().reserve(LOCAL, Ref.id(agent.id()), null, session, 200_000);
        BudgetExceededException refused = catchThrowableOfType(BudgetExceededException.class,
                () -> ledger.budgets().reserve(LOCAL, Ref.id(agent.id()), null, session, 100_001));
        assertThat(refused).isNotNull();
        assertThat(refused.details()).containsEntry("scope", "session");
        assertThat(refused.budget().scope(Scope.SESSION).heldMicros()).isEqualTo(200_000L);
    }

    @Test
    void weeksRunFromMondayToSundayInTheTeamsZone() {
        agentLimits(1_000_000L, null);
        clock.set(at("2026-12-06T23:30:00+01:00")); // Sunday night in Paris, Monday in Asia
        long session = start(null);
        assertThat(report(session, 900_000).action()).isEqualTo(Action.CONTINUE);
        UsageReceipt sunday = report(session, 100_000);
        assertThat(sunday.stopReason()).isEqualTo("agent_weekly");
        Instant monday = at("2026-12-07T00:00:00+01:00");
        assertThat(sunday.budget().violations().get(0).resetsAt()).isEqualTo(monday);

        clock.set(monday);
        Budget fresh = ledger.budgets().check(LOCAL, Ref.id(agent.id()), null, null);
        assertThat(fresh.scope(Scope.AGENT_WEEKLY).spentMicros()).isZero();
        assertThat(fresh.overBudget()).isFalse();
        assertThat(spent(new SpendKey(Scope.AGENT_WEEKLY, agent.id(), "2026-W49")))
                .isEqualTo(1_000_000L);
    }

    @Test
    void monthsEndAtLocalMidnightAndTheTeamsMonthCountsEveryAgent() {
        team(TeamSettings.none().withWindows(Change.keep(), Change.to(2_000_000L)));
        Agent other = ledger.settings().ensureAgent(LOCAL, "eng-2", null);
        clock.set(at("2026-11-30T23:50:00+01:00"));
        long mine = start(null);
        long theirs = ledger.sessions().start(LOCAL, Ref.id(other.id()), null, null).session().id();
        report(mine, 1_500_000);
        UsageReceipt over = ledger.usage().report(LOCAL, new UsageReport(theirs, TOKENS, 500_000L, null, null));
        assertThat(over.stopReason()).isEqualTo("team_monthly");
        assertThat(over.budget().violations().get(0).resetsAt()).isEqualTo(at("2026-12-01T00:00:00+01:00"));

        clock.set(at("2026-12-01T00:30:00+01:00")); // December in Paris, still November in UTC
        assertThat(report(mine, 1).action()).isEqualTo(Action.CONTINUE);
        assertThat(spent(new SpendKey(Scope.TEAM_MONTHLY, agent.teamId(), "2026-11")))
                .isEqualTo(2_000_000L);
        assertThat(spent(new SpendKey(Scope.TEAM_MONTHLY, agent.teamId(), "2026-12")))
                .isEqualTo(1L);
    }

    @Test
    void resetsAtIsWhenEveryTrippedWindowHasStartedAfresh() {
        ledger.settings().setAgent(LOCAL, agent.name(), null, new AgentSettings(Change.to(500_000L), Change.keep())
                .withWindows(Change.to(500_000L), Change.keep()));
        long session = start(null);
        UsageReceipt over = report(session, 500_000);
        assertThat(over.budget().violations()).extracting(Violation::scope)
                .containsExactly(Scope.AGENT_DAILY, Scope.AGENT_WEEKLY);
        assertThat(over.budget().resetsAt()).as("the week resets after the day").isEqualTo(at("2026-12-07T00:00:00+01:00"));

        clock.set(at("2026-12-01T00:00:00+01:00"));
        BudgetExceededException refused = catchThrowableOfType(BudgetExceededException.class, () -> start(null));
        assertThat(refused).as("a new day does not lift the weekly stop").isNotNull();
        assertThat(refused.getMessage()).contains("its weekly budget is used up").contains("this week");
    }

    @Test
    void aWeeklyThresholdFiresItsAlertOncePerWeek() {
        agentLimits(1_000_000L, null);
        long session = start(null);
        UsageReceipt crossing = report(session, 800_000);
        assertThat(crossing.alerts()).singleElement().satisfies(alert -> {
            assertThat(alert.scope()).isEqualTo(Scope.AGENT_WEEKLY);
            assertThat(alert.window()).isEqualTo("2026-W49");
            assertThat(alert.text()).contains("agent eng-1 reached 80% of its weekly budget").contains("2026-W49");
        });
        assertThat(report(session, 1).alerts()).isEmpty();
    }

    @Test
    void endingAStoppedSessionKeepsItsReasonAndAKillKeepsWhatThePersonWrote() {
        team(TeamSettings.none().withSessionCaps(Change.to(100_000L), Change.keep()));
        long stopped = start(null);
        report(stopped, 100_000);
        Session ended = ledger.sessions().end(LOCAL, stopped);
        assertThat(ended.status()).isEqualTo(SessionStatus.ENDED);
        assertThat(ended.stopReason()).isEqualTo("session");
        assertThat(ended.stopDetail()).isNull();

        long killed = start(null);
        Session kill = ledger.sessions().kill(LOCAL, killed, "looping on the same error");
        assertThat(kill.stopReason()).isEqualTo("killed");
        assertThat(kill.stopDetail()).isEqualTo("looping on the same error");
        assertThat(ledger.sessions().end(LOCAL, killed)).isEqualTo(kill);
        assertThat(ledger.sessions().kill(LOCAL, killed, "again")).as("the first kill's text stays").isEqualTo(kill);

        long stoppedThenKilled = start(null);
        report(stoppedThenKilled, 100_000);
        Session both = ledger.sessions().kill(LOCAL, stoppedThenKilled, "over its cap anyway");
        assertThat(both.stopReason()).as("the first reason wins").isEqualTo("session");
        assertThat(both.stopDetail()).isEqualTo("over its cap anyway");
    }

    @Test
    void aZoneChangeMidDayKeepsTodaysSpendForBudgetsAsForReports() {
        team(new TeamSettings(Change.to(1_000_000L), Change.to(ZoneId.of("UTC")), Change.keep(), Change.keep()));
        clock.set(at("2026-11-30T20:00:00Z"));
        long session = start(null);
        assertThat(report(session, 990_000).action()).isEqualTo(Action.CONTINUE);

        team(new TeamSettings(Change.keep(), Change.to(ZoneId.of("Asia/Tokyo")), Change.keep(), Change.keep()));
        Budget tokyo = ledger.budgets().check(LOCAL, Ref.id(agent.id()), null, null);
        assertThat(tokyo.teamDailySpent()).as("05:00 on 1 December in Tokyo: the spend of 20:00 UTC is today's")
                .isEqualTo(990_000L);
        assertThat(tokyo.dailySpent()).isEqualTo(990_000L);
        assertThat(tokyo.scope(Scope.AGENT_MONTHLY).spentMicros()).as("and December's").isEqualTo(990_000L);
        UsageReceipt over = report(session, 10_000);
        assertThat(over.stopReason()).isEqualTo("team_daily");
        assertThat(ledger.reports().costs(LOCAL, Ref.name(Team.DEFAULT_NAME), null, null).totalCostMicros())
                .isEqualTo(1_000_000L);

        team(new TeamSettings(Change.keep(), Change.to(ZoneId.of("America/Los_Angeles")), Change.keep(),
                Change.keep()));
        assertThat(ledger.budgets().check(LOCAL, Ref.id(agent.id()), null, null).teamDailySpent())
                .as("12:00 on 30 November in Los Angeles: both reports are today's").isEqualTo(1_000_000L);
    }
}
