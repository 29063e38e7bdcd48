package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.CostReport.CostGroup;
import dev.entourage.ledger.testing.StoreContract;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cost reports, task spend, kills and the settings patches, over a real store. */
public abstract class LedgerReportsContract extends StoreContract {
    /** 2026-11-28 09:00 in Berlin (UTC+1). */
    private static final Instant START = Instant.parse("2026-11-28T08:00:00Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private MutableClock clock;
    private LedgerServices ledger;

    protected LedgerReportsContract() {
        super(START);
    }

    @BeforeEach
    void open() {
        clock = fixture.clock();
        ledger = fixture.services();
        ledger.settings().ensureDefaultTeam();
        ledger.settings().updateTeam(Actor.local(), Ref.parse("default"), new TeamSettings(Change.keep(), Change.to(BERLIN), Change.keep(), Change.keep()));
    }

    private long session(String agent, Long taskId, String model) {
        return ledger.sessions().start(Actor.local(), Ref.id(ledger.settings().ensureAgent(Actor.local(), agent, Ref.parse("default")).id()), taskId, model).session().id();
    }

    private void spend(long sessionId, long micros, String model) {
        ledger.usage().report(Actor.local(), new UsageReport(sessionId, new TokenCounts(100, 10, 0, 0, 0), micros, model, null));
    }

    @Test
    void groupsTodaysSpendByAgentModelAndTaskWithTotals() {
        Task fix = ledger.settings().createTask(Actor.local(), Ref.parse("default"), new NewTask("Fix login bug", null, "bugfix", List.of(), null));
        long a = session("eng-1", fix.id(), "claude-sonnet-4");
        long b = session("eng-2", null, "gpt-4o");
        spend(a, 1_000_000, null);
        spend(a, 500_000, "claude-haiku-4-5");
        spend(b, 250_000, null);

        CostReport report = ledger.reports().costs(Actor.local(), Ref.parse("default"), null, null);

        assertThat(report.since()).isEqualTo(LocalDate.of(2026, 11, 28));
        assertThat(report.until()).isEqualTo(report.since());
        assertThat(report.totalCostMicros()).isEqualTo(1_750_000);
        assertThat(report.totalInputTokens()).isEqualTo(300);
        assertThat(report.totalOutputTokens()).isEqualTo(30);
        assertThat(report.sessions()).extracting(CostReport.SessionCost::sessionId).containsExactly(a, b);
        assertThat(report.sessions().get(0).taskTitle()).isEqualTo("Fix login bug");
        assertThat(report.sessions().get(0).costMicros()).isEqualTo(1_500_000);
        assertThat(report.byAgent()).extracting(CostGroup::name, CostGroup::costMicros)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("eng-1", 1_500_000L),
                        org.assertj.core.groups.Tuple.tuple("eng-2", 250_000L));
        assertThat(report.byModel()).extracting(CostGroup::name)
                .containsExactly("claude-sonnet-4", "claude-haiku-4-5", "gpt-4o");
        assertThat(report.byTask()).extracting(CostGroup::name, CostGroup::sessions)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Fix login bug", 1),
                        org.assertj.core.groups.Tuple.tuple(CostReports.NO_TASK, 1));
    }

    @Test
    void tasksThatShareATitleStayApartInByTask() {
        Task first = ledger.settings().createTask(Actor.local(), Ref.parse("default"),
                new NewTask("Fix flaky test", null, null, List.of(), null));
        Task second = ledger.settings().createTask(Actor.local(), Ref.parse("default"),
                new NewTask("Fix flaky test", null, null, List.of(), null));
        spend(session("eng-1", first.id(), "claude-sonnet-4"), 300_000, null);
        spend(session("eng-2", second.id(), "claude-sonnet-4"), 200_000, null);

        CostReport report = ledger.reports().costs(Actor.local(), Ref.parse("default"), null, null);

        assertThat(report.byTask()).extracting(CostGroup::id, CostGroup::name, CostGroup::costMicros)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(first.id(), "Fix flaky test", 300_000L),
                        org.assertj.core.groups.Tuple.tuple(second.id(), "Fix flaky test", 200_000L));
    }

    @Test
    void daysAreTheTeamsZoneAndSpendCountsOnTheDayItWasReported() {
        long s = session("eng-1", null, "claude-sonnet-4");
        clock.set(Instant.parse("2026-11-28T22:59:00Z"));
        spend(s, 100, null);
        clock.set(Instant.parse("2026-11-28T23:01:00Z"));
        spend(s, 20, null);

        assertThat(ledger.reports().costs(Actor.local(), Ref.parse("default"), LocalDate.of(2026, 11, 28), LocalDate.of(2026, 11, 28))
                .totalCostMicros()).as("23:59 in Berlin").isEqualTo(100);
        assertThat(ledger.reports().costs(Actor.local(), Ref.parse("default"), null, null).totalCostMicros()).as("today is the 29th in Berlin")
                .isEqualTo(20);
        assertThat(ledger.reports().costs(Actor.local(), Ref.parse("default"), LocalDate.of(2026, 11, 28), null).totalCostMicros()).isEqualTo(120);
    }

    @Test
    void anEmptyRangeIsAnEmptyReportAndABackwardOrHugeRangeIsRefused() {
        CostReport empty = ledger.reports().costs(Actor.local(), Ref.parse("default"), LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 31));
        assertThat(empty.totalCostMicros()).isZero();
        assertThat(empty.sessions()).isEmpty();
        assertThat(empty.byAgent()).isEmpty();

        LedgerException backward = catchThrowableOfType(LedgerException.class,
                () -> ledger.reports().costs(Actor.local(), Ref.parse("default"), LocalDate.of(2026, 2, 1), LocalDate.of(2026, 1, 1)));
        assertThat(backward.details()).containsEntry("field", "until");
        LedgerException huge = catchThrowableOfType(LedgerException.class,
                () -> ledger.reports().costs(Actor.local(), Ref.parse("default"), LocalDate.of(2024, 1, 1), LocalDate.of(2026, 1, 1)));
        assertThat(huge.details()).containsEntry("field", "since");
    }

    @Test
    void tasksShowTheirSpendAndTheCapThatApplies() {
        ledger.settings().updateTeam(Actor.local(), Ref.parse("default"), new TeamSettings(Change.keep(), Change.keep(), Change.keep(),
                Change.to(java.util.Map.of("bugfix", 3_000_000L))));
        Task tagged = ledger.settings().createTask(Actor.local(), Ref.parse("default"), new NewTask("Typo", null, "docs", List.of("budget:0.50"), null));
        Task typed = ledger.settings().createTask(Actor.local(), Ref.parse("default"), new NewTask("Bug", null, "bugfix", List.of(), null));
        spend(session("eng-1", tagged.id(), null), 600_000, null);

        List<TaskSpend> tasks = ledger.reports().tasks(Actor.local(), Ref.parse("default"));

        assertThat(tasks).extracting(t -> t.task().id()).containsExactly(typed.id(), tagged.id());
        assertThat(tasks.get(0).limitMicros()).isEqualTo(3_000_000);
        assertThat(tasks.get(1).spentMicros()).isEqualTo(600_000);
        assertThat(tasks.get(1).remainingMicros()).isZero();
        assertThat(ledger.reports().task(Actor.local(), tagged.id()).spentMicros()).isEqualTo(600_000);
    }

    @Test
    void aKilledSessionIsToldToStopAndStillRecordsUsage() {
        long s = session("eng-1", null, "claude-sonnet-4");
        clock.advance(Duration.ofMinutes(3));

        Session killed = ledger.sessions().kill(Actor.local(), s, "looping");
        UsageReceipt after = ledger.usage().report(Actor.local(), new UsageReport(s, new TokenCounts(5, 5, 0, 0, 0), 1_000L, null, null));

        assertThat(killed.status()).isEqualTo(SessionStatus.KILLED);
        assertThat(killed.stopReason()).isEqualTo("killed");
        assertThat(after.action()).isEqualTo(Action.STOP);
        assertThat(after.stopReason()).isEqualTo("killed");
        assertThat(after.session().totals().costMicros()).isEqualTo(1_000);
        assertThat(ledger.sessions().kill(Actor.local(), s, null)).isEqualTo(ledger.sessions().get(Actor.local(), s));
        assertThat(ledger.sessions().end(Actor.local(), s).status()).as("ending a killed session keeps it killed")
                .isEqualTo(SessionStatus.KILLED);
    }

    @Test
    void createAgentRefusesATakenNameAndPatchesNeedAnExistingTarget() {
        Agent created = ledger.settings().createAgent(Actor.local(), Ref.parse("default"), "eng-9", new AgentSettings(Change.to(5_000_000L), Change.keep()));
        assertThat(created.dailyLimitMicros()).isEqualTo(5_000_000);

        LedgerException taken = catchThrowableOfType(LedgerException.class,
                () -> ledger.settings().createAgent(Actor.local(), Ref.parse("default"), "eng-9", new AgentSettings(Change.to(null), Change.keep())));
        assertThat(taken.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(catchThrowableOfType(LedgerException.class,
                () -> ledger.settings().updateAgent(Actor.local(), Ref.parse("ghost"), AgentSettings.none())).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(catchThrowableOfType(LedgerException.class,
                () -> ledger.settings().updateTeam(Actor.local(), Ref.parse("ghosts"), TeamSettings.none())).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(ledger.settings().updateAgent(Actor.local(), Ref.id(created.id()), new AgentSettings(Change.to(null), Change.to(true))).paused()).isTrue();
    }

    @Test
    void aSessionsUsageEventsComeNewestFirstInPagesWithTheirCostSource() {
        long s = session("eng-1", null, "claude-sonnet-4");
        ledger.usage().report(Actor.local(), new UsageReport(s, new TokenCounts(100, 10, 0, 0, 0), 2_000L, null, "e1"));
        clock.advance(Duration.ofSeconds(5));
        ledger.usage().report(Actor.local(), new UsageReport(s, new TokenCounts(1000, 100, 0, 0, 0), null, null, "e2"));
        clock.advance(Duration.ofSeconds(5));
        ledger.usage().report(Actor.local(), new UsageReport(s, new TokenCounts(10, 1, 0, 0, 0), null, "no-such-model", "e3"));
        spend(session("eng-2", null, null), 7, null);

        SessionUsage first = ledger.reports().sessionUsage(Actor.local(), s, null, 2);
        SessionUsage second = ledger.reports().sessionUsage(Actor.local(), s, first.nextBefore(), 2);

        assertThat(first.session().id()).isEqualTo(s);
        assertThat(first.events()).extracting(e -> e.usage().eventId(), e -> e.usage().costSource(), e -> e.usage().model())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e3", CostSource.UNPRICED, "no-such-model"),
                        org.assertj.core.groups.Tuple.tuple("e2", CostSource.PRICED, "claude-sonnet-4"));
        assertThat(first.events().get(0).usage().reportedAt()).isEqualTo(START.plusSeconds(10));
        assertThat(first.nextBefore()).isNotNull();
        assertThat(second.events()).extracting(e -> e.usage().eventId(), e -> e.usage().costMicros(), e -> e.usage().costSource())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e1", 2_000L, CostSource.REPORTED));
        assertThat(second.events().get(0).usage().tokens().input()).isEqualTo(100);
        assertThat(second.nextBefore()).as("the last page").isNull();
    }

    @Test
    void aSessionsUsageIsAnAgentKeysOwnAndTheLimitIsChecked() {
        long s = session("eng-1", null, null);
        spend(s, 5, null);
        Agent other = ledger.settings().ensureAgent(Actor.local(), "eng-2", Ref.parse("default"));
        Agent own = ledger.settings().ensureAgent(Actor.local(), "eng-1", Ref.parse("default"));

        assertThat(ledger.reports().sessionUsage(Actor.agent(own.teamId(), own.id()), s, null, 10).events()).hasSize(1);
        assertThat(catchThrowableOfType(LedgerException.class, () -> ledger.reports()
                .sessionUsage(Actor.agent(other.teamId(), other.id()), s, null, 10)).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(catchThrowableOfType(LedgerException.class, () -> ledger.reports()
                .sessionUsage(Actor.local(), 999_999, null, 10)).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(catchThrowableOfType(LedgerException.class, () -> ledger.reports()
                .sessionUsage(Actor.local(), s, null, 0)).details()).containsEntry("field", "limit");
    }

    @Test
    void theDashboardShowsWhatEachAgentHoldsNow() {
        Agent agent = ledger.settings().createAgent(Actor.local(), Ref.parse("default"), "eng-7",
                new AgentSettings(Change.to(1_000_000L), Change.keep()));
        ledger.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 400_000);

        DashboardView.AgentDay day = ledger.reports().dashboard(Actor.local(), Ref.parse("default")).agents().stream()
                .filter(a -> a.agent().id() == agent.id()).findFirst().orElseThrow();

        assertThat(day.heldMicros()).isEqualTo(400_000);
        clock.advance(Duration.ofHours(1));
        assertThat(ledger.reports().dashboard(Actor.local(), Ref.parse("default")).agents().stream()
                .filter(a -> a.agent().id() == agent.id()).findFirst().orElseThrow().heldMicros())
                .as("an expired hold holds nothing").isZero();
    }
}
