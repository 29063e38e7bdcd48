package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.testing.StoreContract;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LedgerServices} over a real store: budget rules of SPEC §2, costs of SPEC §3, idempotency and
 * bad input. Sonnet 4 is $3/$15 per million tokens, so 10,000 input + 1,000 output tokens cost 45,000 micros.
 */
public abstract class LedgerServiceContract extends StoreContract {
    private static final String SONNET = "claude-sonnet-4-20250514";
    private static final TokenCounts TEN_K_IN_ONE_K_OUT = new TokenCounts(10_000, 1_000, 0, 0, 0);
    private static final long SONNET_COST = 45_000L;
    /** Saturday 2026-11-28, 10:00 UTC. */
    private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
    private static final Instant NEXT_UTC_MIDNIGHT = Instant.parse("2026-11-29T00:00:00Z");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private MutableClock clock;
    private LedgerServices service;

    protected LedgerServiceContract() {
        super(START);
    }

    @BeforeEach
    void open() {
        clock = fixture.clock();
        openStore();
        service.settings().ensureDefaultTeam();
    }

    private void openStore() {
        service = fixture.services();
    }

    /** Closes the store and opens a new store and service on the same database, as a restarted process would. */
    private void reopen() {
        fixture.reopen();
        openStore();
    }

    private UsageReceipt report(long sessionId, TokenCounts tokens) {
        return service.usage().report(Actor.local(), new UsageReport(sessionId, tokens, null, null, null));
    }

    private UsageReceipt reportCost(long sessionId, long costMicros) {
        return service.usage().report(Actor.local(), new UsageReport(sessionId, TEN_K_IN_ONE_K_OUT, costMicros, null, null));
    }

    private Agent agent(String name) {
        return service.settings().setAgent(Actor.local(), name, null, AgentSettings.none());
    }

    private Agent agentWithDailyLimit(String name, long limitMicros) {
        return service.settings().setAgent(Actor.local(), name, null, new AgentSettings(Change.to(limitMicros), Change.keep()));
    }

    private Task task(String title, String taskType, List<String> tags, Long budgetMicros) {
        return service.settings().createTask(Actor.local(), Ref.parse(Team.DEFAULT_NAME), new NewTask(title, "low", taskType, tags, budgetMicros));
    }

    private long rows(String table) {
        return fixture.rows(table);
    }

    private static LedgerException ledgerError(Runnable call) {
        LedgerException e = catchThrowableOfType(LedgerException.class, call::run);
        assertThat(e).as("expected a LedgerException").isNotNull();
        return e;
    }

    private static void assertInvalid(Runnable call, String field) {
        LedgerException e = ledgerError(call);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsEntry("field", field);
        assertThat(e.getMessage()).contains(field);
    }

    private BudgetExceededException refusedStart(long agentId, Long taskId) {
        long before = rows("sessions");
        BudgetExceededException e = catchThrowableOfType(BudgetExceededException.class,
                () -> service.sessions().start(Actor.local(), Ref.id(agentId), taskId, SONNET));
        assertThat(e).as("startSession must be refused with BudgetExceededException").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
        assertThat(e.budget()).isNotNull();
        assertThat(e.budget().overBudget()).isTrue();
        assertThat(rows("sessions")).as("a refused start creates no session").isEqualTo(before);
        return e;
    }

    // ---------------------------------------------------------------- agent daily

    @Test
    void stopsAgentAtItsDailyLimitAndRefusesNewSessionEvenAfterReopen() {
        Agent agent = service.settings().setAgent(Actor.local(), "eng-1", null, new AgentSettings(Change.to(50_000L), Change.keep()));
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();

        UsageReceipt first = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(first.costMicros()).isEqualTo(SONNET_COST);
        assertThat(first.action()).isEqualTo(Action.CONTINUE);
        assertThat(first.stopReason()).isNull();
        assertThat(first.budget().dailySpent()).isEqualTo(SONNET_COST);
        assertThat(first.budget().dailyRemaining()).isEqualTo(5_000L);

        UsageReceipt second = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(second.action()).isEqualTo(Action.STOP);
        assertThat(second.stopReason()).isEqualTo("agent_daily");
        assertThat(second.budget().overBudget()).isTrue();
        assertThat(second.session().totals().costMicros()).as("usage over the limit is still recorded")
                .isEqualTo(2 * SONNET_COST);

        assertAgentIsOverItsDailyLimit(agent.id());
        reopen();
        assertAgentIsOverItsDailyLimit(agent.id());
    }

    private void assertAgentIsOverItsDailyLimit(long agentId) {
        Budget budget = service.budgets().check(Actor.local(), Ref.id(agentId), null, null);
        assertThat(budget.overBudget()).isTrue();
        assertThat(budget.violations()).singleElement().satisfies(v -> {
            assertThat(v.scope()).isEqualTo(Scope.AGENT_DAILY);
            assertThat(v.limitMicros()).isEqualTo(50_000L);
            assertThat(v.spentMicros()).isEqualTo(2 * SONNET_COST);
            assertThat(v.resetsAt()).isEqualTo(NEXT_UTC_MIDNIGHT);
        });
        assertThat(budget.dailySpent()).isEqualTo(2 * SONNET_COST);
        assertThat(budget.dailyRemaining()).as("remaining never goes below 0").isZero();
        assertThat(budget.resetsAt()).isEqualTo(NEXT_UTC_MIDNIGHT);
        assertThat(budget.firstViolation()).contains(Scope.AGENT_DAILY);

        BudgetExceededException refused = refusedStart(agentId, null);
        assertThat(refused.budget().violations()).extracting(Violation::scope).containsExactly(Scope.AGENT_DAILY);
        assertThat(refused.budget().dailyRemaining()).isZero();
    }

    @Test
    void otherAgentsOfTheTeamAreNotStoppedByOneAgentsDailyLimit() {
        Agent capped = agentWithDailyLimit("eng-1", 40_000L);
        Agent free = agent("eng-2");
        report(service.sessions().start(Actor.local(), Ref.id(capped.id()), null, SONNET).session().id(), TEN_K_IN_ONE_K_OUT);

        SessionStart start = service.sessions().start(Actor.local(), Ref.id(free.id()), null, SONNET);
        assertThat(start.budget().overBudget()).isFalse();
        assertThat(report(start.session().id(), TEN_K_IN_ONE_K_OUT).action()).isEqualTo(Action.CONTINUE);
        refusedStart(capped.id(), null);
    }

    @Test
    void noLimitMeansNullLimitAndNullRemaining() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        Budget budget = report(session.id(), TEN_K_IN_ONE_K_OUT).budget();
        assertThat(budget.dailyLimit()).isNull();
        assertThat(budget.dailyRemaining()).isNull();
        assertThat(budget.teamDailyLimit()).isNull();
        assertThat(budget.teamDailyRemaining()).isNull();
        assertThat(budget.taskId()).isNull();
        assertThat(budget.taskLimit()).isNull();
        assertThat(budget.taskSpent()).isNull();
        assertThat(budget.taskRemaining()).isNull();
        assertThat(budget.overBudget()).isFalse();
    }

    @Test
    void spendExactlyAtTheLimitIsOverBudget() {
        Agent agent = agentWithDailyLimit("eng-1", SONNET_COST);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        UsageReceipt receipt = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(receipt.action()).isEqualTo(Action.STOP);
        assertThat(receipt.stopReason()).isEqualTo("agent_daily");
        assertThat(receipt.budget().dailyRemaining()).isZero();
    }

    // ---------------------------------------------------------------- task cap

    @Test
    void stopsWorkOnATaskCappedByItsBudgetTagEvenAfterReopen() {
        Agent agent = agent("eng-1");
        Task task = task("Fix typo in README", "bugfix", List.of("docs", "budget:0.50"), null);
        assertThat(task.budgetMicros()).isEqualTo(500_000L);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), task.id(), SONNET).session();

        UsageReceipt first = reportCost(session.id(), 300_000L);
        assertThat(first.action()).isEqualTo(Action.CONTINUE);
        assertThat(first.budget().taskId()).isEqualTo(task.id());
        assertThat(first.budget().taskRemaining()).isEqualTo(200_000L);

        UsageReceipt second = reportCost(session.id(), 300_000L);
        assertThat(second.action()).isEqualTo(Action.STOP);
        assertThat(second.stopReason()).isEqualTo("task");
        assertThat(second.budget().taskSpent()).isEqualTo(600_000L);
        assertThat(second.budget().taskRemaining()).isZero();

        assertTaskIsOverItsCap(agent.id(), task.id());
        reopen();
        assertTaskIsOverItsCap(agent.id(), task.id());
    }

    private void assertTaskIsOverItsCap(long agentId, long taskId) {
        Budget budget = service.budgets().check(Actor.local(), Ref.id(agentId), taskId, null);
        assertThat(budget.overBudget()).isTrue();
        assertThat(budget.violations()).singleElement().satisfies(v -> {
            assertThat(v.scope()).isEqualTo(Scope.TASK);
            assertThat(v.limitMicros()).isEqualTo(500_000L);
            assertThat(v.spentMicros()).isEqualTo(600_000L);
            assertThat(v.resetsAt()).as("a task cap never resets").isNull();
        });
        assertThat(budget.taskLimit()).isEqualTo(500_000L);
        assertThat(budget.taskRemaining()).isZero();
        assertThat(budget.dailyRemaining()).isNull();

        // Without a task argument the agent's open session's task applies.
        assertThat(service.budgets().check(Actor.local(), Ref.id(agentId), null, null).firstViolation()).contains(Scope.TASK);

        BudgetExceededException refused = refusedStart(agentId, taskId);
        assertThat(refused.budget().violations()).extracting(Violation::scope).containsExactly(Scope.TASK);
        assertThat(refused.budget().taskRemaining()).isZero();

        // Work on no task (or another task) is still allowed: only the task's scope is used up.
        SessionStart other = service.sessions().start(Actor.local(), Ref.id(agentId), null, SONNET);
        assertThat(other.budget().overBudget()).isFalse();
        service.sessions().end(Actor.local(), other.session().id());
    }

    @Test
    void taskSpendAddsUpOverAllSessionsAndAgentsOnTheTask() {
        Task task = task("Shared", null, List.of("budget:0.10"), null);
        Agent one = agent("eng-1");
        Agent two = agent("eng-2");
        Session s1 = service.sessions().start(Actor.local(), Ref.id(one.id()), task.id(), SONNET).session();
        Session s2 = service.sessions().start(Actor.local(), Ref.id(two.id()), task.id(), SONNET).session();
        assertThat(reportCost(s1.id(), 60_000L).action()).isEqualTo(Action.CONTINUE);
        UsageReceipt receipt = reportCost(s2.id(), 60_000L);
        assertThat(receipt.action()).isEqualTo(Action.STOP);
        assertThat(receipt.stopReason()).isEqualTo("task");
        assertThat(receipt.budget().taskSpent()).isEqualTo(120_000L);
        assertThat(receipt.budget().dailySpent()).as("eng-2's own day").isEqualTo(60_000L);
    }

    // ---------------------------------------------------------------- team daily

    @Test
    void stopsEveryAgentOfATeamOverItsDailyLimitEvenAfterReopen() {
        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.to(100_000L), Change.keep(), Change.keep(), Change.keep()));
        Agent one = agent("eng-1");
        Agent two = agent("eng-2");
        Session s1 = service.sessions().start(Actor.local(), Ref.id(one.id()), null, SONNET).session();
        Session s2 = service.sessions().start(Actor.local(), Ref.id(two.id()), null, SONNET).session();

        UsageReceipt first = reportCost(s1.id(), 60_000L);
        assertThat(first.action()).isEqualTo(Action.CONTINUE);
        assertThat(first.budget().teamDailyRemaining()).isEqualTo(40_000L);

        UsageReceipt second = reportCost(s2.id(), 60_000L);
        assertThat(second.action()).isEqualTo(Action.STOP);
        assertThat(second.stopReason()).isEqualTo("team_daily");
        assertThat(second.budget().teamDailySpent()).isEqualTo(120_000L);
        assertThat(second.budget().dailySpent()).isEqualTo(60_000L);

        // eng-1 itself spent only 60,000 but its team is over: its next report is stopped too.
        UsageReceipt third = reportCost(s1.id(), 1L);
        assertThat(third.action()).isEqualTo(Action.STOP);
        assertThat(third.stopReason()).isEqualTo("team_daily");

        assertTeamIsOverItsDailyLimit(one.id(), 120_001L);
        reopen();
        assertTeamIsOverItsDailyLimit(one.id(), 120_001L);
        Agent newcomer = agent("eng-3");
        assertThat(refusedStart(newcomer.id(), null).budget().firstViolation()).contains(Scope.TEAM_DAILY);
    }

    private void assertTeamIsOverItsDailyLimit(long agentId, long teamSpent) {
        Budget budget = service.budgets().check(Actor.local(), Ref.id(agentId), null, null);
        assertThat(budget.overBudget()).isTrue();
        assertThat(budget.violations()).singleElement().satisfies(v -> {
            assertThat(v.scope()).isEqualTo(Scope.TEAM_DAILY);
            assertThat(v.limitMicros()).isEqualTo(100_000L);
            assertThat(v.spentMicros()).isEqualTo(teamSpent);
            assertThat(v.resetsAt()).isEqualTo(NEXT_UTC_MIDNIGHT);
        });
        assertThat(budget.teamDailyRemaining()).isZero();
        assertThat(budget.resetsAt()).isEqualTo(NEXT_UTC_MIDNIGHT);

        BudgetExceededException refused = refusedStart(agentId, null);
        assertThat(refused.budget().violations()).extracting(Violation::scope).containsExactly(Scope.TEAM_DAILY);
    }

    @Test
    void listsEveryTrippedScopeInOrderAgentTaskTeam() {
        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.to(10_000L), Change.keep(), Change.keep(), Change.keep()));
        Agent agent = agentWithDailyLimit("eng-1", 10_000L);
        Task task = task("All three", null, List.of("budget:0.01"), null);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), task.id(), SONNET).session();
        UsageReceipt receipt = reportCost(session.id(), 20_000L);
        assertThat(receipt.budget().violations()).extracting(Violation::scope)
                .containsExactly(Scope.AGENT_DAILY, Scope.TASK, Scope.TEAM_DAILY);
        assertThat(receipt.stopReason()).isEqualTo("agent_daily");
        assertThat(receipt.budget().dailyRemaining()).isZero();
        assertThat(receipt.budget().taskRemaining()).isZero();
        assertThat(receipt.budget().teamDailyRemaining()).isZero();
    }

    // ---------------------------------------------------------------- costs

    @Test
    void usesReportedCostAsIs() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        UsageReceipt receipt = service.usage().report(Actor.local(), new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, 12_345L,
                null, null));
        assertThat(receipt.costMicros()).isEqualTo(12_345L);
        assertThat(receipt.costSource()).isEqualTo(CostSource.REPORTED);
        assertThat(receipt.session().totals().costMicros()).isEqualTo(12_345L);
        assertThat(receipt.budget().dailySpent()).isEqualTo(12_345L);

        UsageReceipt zero = service.usage().report(Actor.local(), new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, 0L, null, null));
        assertThat(zero.costMicros()).as("a reported $0 is used as reported").isZero();
        assertThat(zero.costSource()).isEqualTo(CostSource.REPORTED);
        assertThat(service.sessions().get(Actor.local(), session.id()).totals().inputTokens()).isEqualTo(20_000L);
    }

    @Test
    void pricesKnownModelFromTheBundledTable() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        // 1,000 cache writes (5 min) at $3.75 + 2,000 cache reads at $0.30 on top of 45,000.
        UsageReceipt receipt = report(session.id(), new TokenCounts(10_000, 1_000, 1_000, 0, 2_000));
        assertThat(receipt.costSource()).isEqualTo(CostSource.PRICED);
        assertThat(receipt.costMicros()).isEqualTo(SONNET_COST + 3_750L + 600L);
        assertThat(receipt.session().totals()).isEqualTo(new UsageTotals(10_000, 1_000, 1_000, 2_000,
                SONNET_COST + 4_350L));
    }

    @Test
    void estimatesUnknownModelAtTheConservativeDefaultNeverAtZero() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, "mystery-model-9").session();
        UsageReceipt receipt = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(receipt.costSource()).isEqualTo(CostSource.UNPRICED);
        assertThat(receipt.costMicros()).isPositive().isGreaterThan(SONNET_COST)
                .isEqualTo(PriceTable.bundled().unknownPrice().cost(TEN_K_IN_ONE_K_OUT));

        Session noModel = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();
        UsageReceipt unnamed = report(noModel.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(unnamed.costSource()).isEqualTo(CostSource.UNPRICED);
        assertThat(unnamed.costMicros()).isEqualTo(receipt.costMicros());
    }

    @Test
    void modelNamedInTheReportBeatsTheSessionsModel() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();
        UsageReceipt receipt = service.usage().report(Actor.local(), new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, null, SONNET,
                null));
        assertThat(receipt.costSource()).isEqualTo(CostSource.PRICED);
        assertThat(receipt.costMicros()).isEqualTo(SONNET_COST);
    }

    // ---------------------------------------------------------------- idempotency

    @Test
    void replayOfAnEventIdAnswersTheFirstAnswerWithoutCountingTwice() {
        Agent agent = agentWithDailyLimit("eng-1", 80_000L);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        UsageReport report = new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, null, null, "evt-1");

        UsageReceipt first = service.usage().report(Actor.local(), report);
        assertThat(first.duplicate()).isFalse();
        assertThat(first.eventId()).isEqualTo("evt-1");

        UsageReceipt replay = service.usage().report(Actor.local(), report);
        assertThat(replay.duplicate()).isTrue();
        assertThat(replay.eventId()).isEqualTo("evt-1");
        assertThat(replay.sessionId()).isEqualTo(session.id());
        assertThat(replay.costMicros()).isEqualTo(first.costMicros());
        assertThat(replay.costSource()).isEqualTo(first.costSource());
        assertThat(replay.action()).isEqualTo(Action.CONTINUE);
        assertThat(replay.session().totals()).isEqualTo(first.session().totals());
        assertThat(replay.budget().dailySpent()).isEqualTo(SONNET_COST);
        assertThat(rows("usage_events")).isEqualTo(1);

        // A later report crosses the limit; a replay of the first still gets the first answer.
        assertThat(report(session.id(), TEN_K_IN_ONE_K_OUT).action()).isEqualTo(Action.STOP);
        UsageReceipt lateReplay = service.usage().report(Actor.local(), report);
        assertThat(lateReplay.duplicate()).isTrue();
        assertThat(lateReplay.action()).isEqualTo(Action.CONTINUE);
        assertThat(lateReplay.stopReason()).isNull();
        assertThat(service.sessions().get(Actor.local(), session.id()).totals().costMicros()).isEqualTo(2 * SONNET_COST);
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).dailySpent()).isEqualTo(2 * SONNET_COST);
    }

    @Test
    void replayIsRecognisedAfterReopen() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        UsageReport report = new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, null, null, "evt-restart");
        service.usage().report(Actor.local(), report);
        reopen();
        UsageReceipt replay = service.usage().report(Actor.local(), report);
        assertThat(replay.duplicate()).isTrue();
        assertThat(replay.costMicros()).isEqualTo(SONNET_COST);
        assertThat(service.sessions().get(Actor.local(), session.id()).totals().costMicros()).isEqualTo(SONNET_COST);
    }

    @Test
    void sameEventIdWithADifferentBodyIsRefusedAndWritesNothing() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        Session other = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        service.usage().report(Actor.local(), new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, null, null, "evt-1"));

        List<UsageReport> differentBodies = List.of(
                new UsageReport(session.id(), new TokenCounts(10_000, 2_000, 0, 0, 0), null, null, "evt-1"),
                new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, 45_000L, null, "evt-1"),
                new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, null, "gpt-5", "evt-1"),
                new UsageReport(other.id(), TEN_K_IN_ONE_K_OUT, null, null, "evt-1"));
        for (UsageReport different : differentBodies) {
            LedgerException e = ledgerError(() -> service.usage().report(Actor.local(), different));
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.IDEMPOTENCY_MISMATCH);
            assertThat(e.details()).containsEntry("field", "event_id");
        }

        assertThat(rows("usage_events")).isEqualTo(1);
        assertThat(service.sessions().get(Actor.local(), session.id()).totals().costMicros()).isEqualTo(SONNET_COST);
        assertThat(service.sessions().get(Actor.local(), session.id()).totals().outputTokens()).isEqualTo(1_000L);
        assertThat(service.sessions().get(Actor.local(), other.id()).totals()).isEqualTo(UsageTotals.ZERO);
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).dailySpent()).isEqualTo(SONNET_COST);
    }

    @Test
    void generatesDistinctEventIdsWhenNoneIsGiven() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        UsageReceipt a = report(session.id(), TEN_K_IN_ONE_K_OUT);
        UsageReceipt b = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(a.eventId()).isNotBlank().isNotEqualTo(b.eventId());
        assertThat(b.duplicate()).isFalse();
        assertThat(b.session().totals().costMicros()).isEqualTo(2 * SONNET_COST);
    }

    // ---------------------------------------------------------------- task caps from tags, budget_usd, types

    @Test
    void refusesMalformedBudgetTagsAndCreatesNoTask() {
        List<List<String>> malformed = List.of(
                List.of("budget:abc"),
                List.of("budget:-1"),
                List.of("budget:"),
                List.of("budget:0.50", "budget:1.00"),
                List.of("BUDGET:0.1", "budget:0.2"),
                List.of("budget:1e3"),
                List.of("budget:0.1234567"),
                List.of("budget:20000"));
        for (List<String> tags : malformed) {
            assertInvalid(() -> task("Bad tags " + tags, null, tags, null), "tags");
        }
        // budget_usd does not excuse a malformed tag either.
        assertInvalid(() -> task("Both", null, List.of("budget:abc"), 1_000_000L), "tags");
        assertThat(rows("tasks")).isZero();
    }

    @Test
    void budgetUsdBeatsTheBudgetTag() {
        Agent agent = agent("eng-1");
        Task task = task("Explicit", null, List.of("budget:0.50"), 2_000_000L);
        assertThat(task.budgetMicros()).isEqualTo(2_000_000L);
        Budget budget = service.budgets().check(Actor.local(), Ref.id(agent.id()), task.id(), null);
        assertThat(budget.taskLimit()).isEqualTo(2_000_000L);
        assertThat(budget.taskSpent()).isZero();
        assertThat(budget.taskRemaining()).isEqualTo(2_000_000L);
    }

    @Test
    void budgetTagIsParsedToMicros() {
        assertThat(task("Cents", null, List.of("budget:0.05"), null).budgetMicros()).isEqualTo(50_000L);
        assertThat(task("Whole", null, List.of("budget:3"), null).budgetMicros()).isEqualTo(3_000_000L);
        assertThat(task("Micro", null, List.of("budget:0.000001"), null).budgetMicros()).isEqualTo(1L);
        assertThat(task("No tag", null, List.of("urgent"), null).budgetMicros()).isNull();
    }

    @Test
    void teamTaskTypeDefaultAppliesWhenTaskHasNeitherBudgetNorTag() {
        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.keep(), Change.keep(), Change.keep(),
                Change.to(Map.of("bugfix", 250_000L))));
        Agent agent = agent("eng-1");
        Task plain = task("Plain bugfix", "bugfix", List.of(), null);
        Task tagged = task("Tagged bugfix", "bugfix", List.of("budget:0.10"), null);
        Task feature = task("Feature", "feature", List.of(), null);
        assertThat(plain.budgetMicros()).isNull();

        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), plain.id(), null).taskLimit()).isEqualTo(250_000L);
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), tagged.id(), null).taskLimit()).isEqualTo(100_000L);
        Budget featureBudget = service.budgets().check(Actor.local(), Ref.id(agent.id()), feature.id(), null);
        assertThat(featureBudget.taskLimit()).isNull();
        assertThat(featureBudget.taskRemaining()).isNull();

        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), plain.id(), SONNET).session();
        UsageReceipt receipt = reportCost(session.id(), 250_000L);
        assertThat(receipt.action()).isEqualTo(Action.STOP);
        assertThat(receipt.stopReason()).isEqualTo("task");
        assertThat(refusedStart(agent.id(), plain.id()).budget().firstViolation()).contains(Scope.TASK);
    }

    // ---------------------------------------------------------------- day windows

    private void teamInNewYork(Long dailyLimit) {
        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.to(dailyLimit), Change.to(NEW_YORK),
                Change.keep(), Change.keep()));
    }

    @Test
    void dailyScopesRunFromLocalMidnightToLocalMidnightInTheTeamsZone() {
        teamInNewYork(1_000_000L);
        Agent agent = agentWithDailyLimit("eng-1", 80_000L);
        Task task = task("Long task", null, List.of(), null);
        // Friday 2026-11-27, 23:30 in New York (EST, UTC-5) is already Saturday in UTC.
        clock.set(Instant.parse("2026-11-28T04:30:00Z"));
        Instant localMidnight = Instant.parse("2026-11-28T05:00:00Z");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), task.id(), SONNET).session();

        UsageReceipt late = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(late.budget().dailySpent()).isEqualTo(SONNET_COST);
        assertThat(late.budget().teamDailySpent()).isEqualTo(SONNET_COST);
        assertThat(late.budget().resetsAt()).isEqualTo(localMidnight);
        UsageReceipt over = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(over.action()).isEqualTo(Action.STOP);
        assertThat(over.stopReason()).isEqualTo("agent_daily");
        assertThat(over.budget().violations()).singleElement()
                .satisfies(v -> assertThat(v.resetsAt()).isEqualTo(localMidnight));
        refusedStart(agent.id(), null);

        // 00:30 local on Saturday: still the same UTC date, but a new budget day in New York.
        clock.set(Instant.parse("2026-11-28T05:30:00Z"));
        Budget fresh = service.budgets().check(Actor.local(), Ref.id(agent.id()), task.id(), null);
        assertThat(fresh.dailySpent()).isZero();
        assertThat(fresh.teamDailySpent()).isZero();
        assertThat(fresh.taskSpent()).as("task spend is kept across days").isEqualTo(2 * SONNET_COST);
        assertThat(fresh.overBudget()).isFalse();
        assertThat(fresh.dailyRemaining()).isEqualTo(80_000L);
        assertThat(fresh.resetsAt()).isEqualTo(Instant.parse("2026-11-29T05:00:00Z"));

        // The session started yesterday; its spend counts on the day it is reported.
        UsageReceipt nextDay = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(nextDay.action()).isEqualTo(Action.CONTINUE);
        assertThat(nextDay.budget().dailySpent()).isEqualTo(SONNET_COST);
        assertThat(nextDay.budget().taskSpent()).isEqualTo(3 * SONNET_COST);
        assertThat(nextDay.session().totals().costMicros()).isEqualTo(3 * SONNET_COST);
        assertThat(service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).budget().dailySpent()).isEqualTo(SONNET_COST);
    }

    @Test
    void resetsAtIsTheNextLocalMidnightAsAUtcInstant() {
        teamInNewYork(null);
        Agent agent = agent("eng-1");
        clock.set(Instant.parse("2026-11-28T10:00:00Z")); // 05:00 EST
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).resetsAt())
                .isEqualTo(Instant.parse("2026-11-29T05:00:00Z"));
        clock.set(Instant.parse("2026-07-04T03:59:59Z")); // 23:59:59 EDT on July 3rd
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).resetsAt())
                .isEqualTo(Instant.parse("2026-07-04T04:00:00Z"));
        clock.set(Instant.parse("2026-07-04T04:00:00Z")); // exactly midnight EDT: a new day begins
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).resetsAt())
                .isEqualTo(Instant.parse("2026-07-05T04:00:00Z"));
    }

    @Test
    void budgetDayIsTwentyFiveHoursLongWhenDaylightSavingTimeEnds() {
        teamInNewYork(null);
        Agent agent = agent("eng-1");
        Instant dayStart = Instant.parse("2026-11-01T04:00:00Z"); // 00:00 EDT, Sunday 2026-11-01
        Instant dayEnd = Instant.parse("2026-11-02T05:00:00Z");   // 00:00 EST, Monday 2026-11-02
        assertThat(Duration.between(dayStart, dayEnd)).isEqualTo(Duration.ofHours(25));

        clock.set(Instant.parse("2026-11-01T03:59:00Z")); // 23:59 EDT on Saturday
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        assertThat(report(session.id(), TEN_K_IN_ONE_K_OUT).budget().resetsAt()).isEqualTo(dayStart);

        clock.set(dayStart);
        UsageReceipt first = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(first.budget().dailySpent()).as("a new day began at local midnight").isEqualTo(SONNET_COST);
        assertThat(first.budget().resetsAt()).isEqualTo(dayEnd);

        clock.set(Instant.parse("2026-11-02T04:30:00Z")); // 23:30 EST, still Sunday; 24.5 hours after midnight
        UsageReceipt late = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(late.budget().dailySpent()).isEqualTo(2 * SONNET_COST);
        assertThat(late.budget().resetsAt()).isEqualTo(dayEnd);

        clock.set(dayEnd);
        Budget monday = service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null);
        assertThat(monday.dailySpent()).isZero();
        assertThat(monday.resetsAt()).isEqualTo(Instant.parse("2026-11-03T05:00:00Z"));
    }

    @Test
    void budgetDayIsTwentyThreeHoursLongWhenDaylightSavingTimeStarts() {
        teamInNewYork(null);
        Agent agent = agent("eng-1");
        Instant dayStart = Instant.parse("2026-03-08T05:00:00Z"); // 00:00 EST, Sunday 2026-03-08
        Instant dayEnd = Instant.parse("2026-03-09T04:00:00Z");   // 00:00 EDT, Monday 2026-03-09
        assertThat(Duration.between(dayStart, dayEnd)).isEqualTo(Duration.ofHours(23));

        clock.set(dayStart);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        assertThat(report(session.id(), TEN_K_IN_ONE_K_OUT).budget().resetsAt()).isEqualTo(dayEnd);
        clock.set(Instant.parse("2026-03-09T03:59:59Z")); // 23:59:59 EDT, still Sunday
        assertThat(report(session.id(), TEN_K_IN_ONE_K_OUT).budget().dailySpent()).isEqualTo(2 * SONNET_COST);
        clock.set(Instant.parse("2026-03-09T04:30:00Z")); // 00:30 EDT Monday, though only 04:30 UTC
        assertThat(report(session.id(), TEN_K_IN_ONE_K_OUT).budget().dailySpent()).isEqualTo(SONNET_COST);
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void reportToAnUnknownSessionIsNotFoundAndWritesNothing() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        report(session.id(), TEN_K_IN_ONE_K_OUT);

        LedgerException e = ledgerError(() -> service.usage().report(Actor.local(), new UsageReport(session.id() + 1000, TEN_K_IN_ONE_K_OUT, null, null, "evt-lost")));
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.details()).containsEntry("field", "session_id");

        assertNothingMoreWasWritten(agent.id(), session.id());
        // The event id was not used up by the failed report.
        UsageReceipt retry = service.usage().report(Actor.local(), new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, null, null,
                "evt-lost"));
        assertThat(retry.duplicate()).isFalse();
        assertThat(retry.session().totals().costMicros()).isEqualTo(2 * SONNET_COST);
    }

    private void assertNothingMoreWasWritten(long agentId, long sessionId) {
        assertThat(service.sessions().get(Actor.local(), sessionId).totals())
                .isEqualTo(new UsageTotals(10_000, 1_000, 0, 0, SONNET_COST));
        Budget budget = service.budgets().check(Actor.local(), Ref.id(agentId), null, null);
        assertThat(budget.dailySpent()).isEqualTo(SONNET_COST);
        assertThat(budget.teamDailySpent()).isEqualTo(SONNET_COST);
        assertThat(rows("usage_events")).isEqualTo(1);
    }

    @Test
    void refusesNegativeOrHugeTokenCountsNamingTheField() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        report(session.id(), TEN_K_IN_ONE_K_OUT);

        long huge = TokenCounts.MAX_TOKENS + 1;
        assertInvalid(() -> new TokenCounts(-1, 0, 0, 0, 0), "input_tokens");
        assertInvalid(() -> new TokenCounts(huge, 0, 0, 0, 0), "input_tokens");
        assertInvalid(() -> new TokenCounts(0, -5, 0, 0, 0), "output_tokens");
        assertInvalid(() -> new TokenCounts(0, Long.MAX_VALUE, 0, 0, 0), "output_tokens");
        assertInvalid(() -> new TokenCounts(0, 0, -1, 0, 0), "cache_creation_input_tokens");
        assertInvalid(() -> new TokenCounts(0, 0, 10, 11, 0), "cache_creation_1h_input_tokens");
        assertInvalid(() -> new TokenCounts(0, 0, 0, 0, huge), "cache_read_input_tokens");
        assertInvalid(() -> new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, -1L, null, null), "cost_usd");
        assertInvalid(() -> new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, Money.MAX_REPORTED_MICROS + 1, null,
                null), "cost_usd");
        assertInvalid(() -> new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, null, "bad\u0000model", null),
                "model");

        assertNothingMoreWasWritten(agent.id(), session.id());
    }

    @Test
    void acceptsTheLargestTokenCountsAndCost() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        long max = TokenCounts.MAX_TOKENS;
        UsageReceipt priced = report(session.id(), new TokenCounts(max, max, max, max, max));
        assertThat(priced.costMicros()).isPositive();
        UsageReceipt reported = reportCost(session.id(), Money.MAX_REPORTED_MICROS);
        assertThat(reported.costMicros()).isEqualTo(Money.MAX_REPORTED_MICROS);
        assertThat(reported.session().totals().costMicros()).isEqualTo(priced.costMicros() + Money.MAX_REPORTED_MICROS);
    }

    @Test
    void startSessionForUnknownAgentOrTaskIsNotFoundAndCreatesNothing() {
        Agent agent = agent("eng-1");
        LedgerException noAgent = ledgerError(() -> service.sessions().start(Actor.local(), Ref.id(agent.id() + 100), null, SONNET));
        assertThat(noAgent.code()).as(noAgent.getMessage()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(noAgent.details()).containsEntry("field", "agent");

        LedgerException noTask = ledgerError(() -> service.sessions().start(Actor.local(), Ref.id(agent.id()), 4242L, SONNET));
        assertThat(noTask.code()).as(noTask.getMessage()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(noTask.details()).containsEntry("field", "task_id");

        assertThat(rows("sessions")).isZero();
        assertThat(service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session().agentId()).isEqualTo(agent.id());
    }

    @Test
    void startSessionOnAnotherTeamsTaskIsInvalid() {
        service.settings().setTeam(Actor.local(), "other-team", TeamSettings.none());
        Task foreign = service.settings().createTask(Actor.local(), Ref.parse("other-team"), new NewTask("Theirs", null, null, List.of(), null));
        Agent agent = agent("eng-1");
        assertInvalid(() -> service.sessions().start(Actor.local(), Ref.id(agent.id()), foreign.id(), SONNET), "task_id");
        assertThat(rows("sessions")).isZero();
    }

    @Test
    void refusesNegativeLimitsNamingTheField() {
        assertInvalid(() -> service.settings().setAgent(Actor.local(), "eng-1", null, new AgentSettings(Change.to(-1L), Change.keep())),
                "daily_limit_usd");
        assertInvalid(() -> service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.to(-1L), Change.keep(), Change.keep(), Change.keep())),
                "daily_cost_limit_usd");
        assertThat(rows("agents")).isZero();
        assertThat(service.settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME)).dailyLimitMicros()).isNull();
    }

    // ---------------------------------------------------------------- acting for one agent

    @Test
    void agentCannotReportUsageIntoAnotherAgentsSession() {
        Agent owner = agent("eng-1");
        Agent intruder = agent("eng-2");
        Session session = service.sessions().start(Actor.local(), Ref.id(owner.id()), null, SONNET).session();
        report(session.id(), TEN_K_IN_ONE_K_OUT);

        LedgerException e = ledgerError(() -> service.usage().report(Actor.agent(intruder.teamId(), intruder.id()), new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, null, null, "evt-intruder")));
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(e.details()).containsEntry("field", "session_id");
        assertNothingMoreWasWritten(owner.id(), session.id());
        assertThat(service.budgets().check(Actor.local(), Ref.id(intruder.id()), null, null).dailySpent()).isZero();

        UsageReceipt own = service.usage().report(Actor.agent(owner.teamId(), owner.id()), new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, null, null,
                "evt-intruder"));
        assertThat(own.duplicate()).isFalse();
        assertThat(own.session().totals().costMicros()).isEqualTo(2 * SONNET_COST);
    }

    @Test
    void agentCannotReplayAnotherAgentsEventToReadItsAnswer() {
        Agent owner = agent("eng-1");
        Agent intruder = agent("eng-2");
        Session session = service.sessions().start(Actor.local(), Ref.id(owner.id()), null, SONNET).session();
        UsageReport report = new UsageReport(session.id(), TEN_K_IN_ONE_K_OUT, null, null, "evt-owned");
        service.usage().report(Actor.agent(owner.teamId(), owner.id()), report);

        assertThat(service.usage().report(Actor.agent(owner.teamId(), owner.id()), report).duplicate()).isTrue();
        LedgerException e = ledgerError(() -> service.usage().report(Actor.agent(intruder.teamId(), intruder.id()), report));
        assertThat(e.code()).as("a replay answers only the agent that owns the session: " + e.getMessage())
                .isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void agentCannotEndAnotherAgentsSession() {
        Agent owner = agent("eng-1");
        Agent intruder = agent("eng-2");
        Session session = service.sessions().start(Actor.local(), Ref.id(owner.id()), null, SONNET).session();

        LedgerException e = ledgerError(() -> service.sessions().end(Actor.agent(intruder.teamId(), intruder.id()), session.id()));
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(e.details()).containsEntry("field", "session_id");
        assertThat(service.sessions().get(Actor.local(), session.id()).status()).isEqualTo(SessionStatus.ACTIVE);

        assertThat(service.sessions().end(Actor.agent(owner.teamId(), owner.id()), session.id()).status()).isEqualTo(SessionStatus.ENDED);
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void endingASessionTwiceReturnsTheSameSession() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        assertThat(session.status()).isEqualTo(SessionStatus.ACTIVE);
        assertThat(session.startedAt()).isEqualTo(START);
        report(session.id(), TEN_K_IN_ONE_K_OUT);

        clock.advance(Duration.ofMinutes(12));
        Session ended = service.sessions().end(Actor.local(), session.id());
        assertThat(ended.status()).isEqualTo(SessionStatus.ENDED);
        assertThat(ended.endedAt()).isEqualTo(START.plus(Duration.ofMinutes(12)));
        assertThat(ended.durationMinutes(clock.instant())).isEqualTo(12);
        assertThat(ended.totals().costMicros()).isEqualTo(SONNET_COST);

        clock.advance(Duration.ofMinutes(5));
        assertThat(service.sessions().end(Actor.local(), session.id())).isEqualTo(ended);
        assertThat(service.sessions().get(Actor.local(), session.id())).isEqualTo(ended);
        reopen();
        assertThat(service.sessions().end(Actor.local(), session.id())).isEqualTo(ended);
    }

    @Test
    void endingAnUnknownSessionIsNotFound() {
        LedgerException e = ledgerError(() -> service.sessions().end(Actor.local(), 999));
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.details()).containsEntry("field", "session_id");
    }

    @Test
    void listsSessionsNewestFirstFilteredByStatusAndTask() {
        Agent agent = agent("eng-1");
        Agent other = agent("eng-2");
        Task task = task("Listed", null, List.of(), null);
        Session s1 = service.sessions().start(Actor.local(), Ref.id(agent.id()), task.id(), SONNET).session();
        clock.advance(Duration.ofSeconds(1));
        Session s2 = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        clock.advance(Duration.ofSeconds(1));
        Session s3 = service.sessions().start(Actor.local(), Ref.id(agent.id()), task.id(), SONNET).session();
        service.sessions().start(Actor.local(), Ref.id(other.id()), task.id(), SONNET);
        service.sessions().end(Actor.local(), s2.id());
        service.sessions().end(Actor.local(), s1.id());

        assertThat(ids(service.sessions().list(Actor.local(), Ref.id(agent.id()), SessionQuery.latest(10)))).containsExactly(s3.id(), s2.id(), s1.id());
        assertThat(ids(service.sessions().list(Actor.local(), Ref.id(agent.id()), new SessionQuery(SessionStatus.ACTIVE, null, 10))))
                .containsExactly(s3.id());
        assertThat(ids(service.sessions().list(Actor.local(), Ref.id(agent.id()), new SessionQuery(SessionStatus.ENDED, null, 10))))
                .containsExactly(s2.id(), s1.id());
        assertThat(ids(service.sessions().list(Actor.local(), Ref.id(agent.id()), new SessionQuery(null, task.id(), 10))))
                .containsExactly(s3.id(), s1.id());
        assertThat(ids(service.sessions().list(Actor.local(), Ref.id(agent.id()), new SessionQuery(SessionStatus.ENDED, task.id(), 10))))
                .containsExactly(s1.id());
        assertThat(ids(service.sessions().list(Actor.local(), Ref.id(agent.id()), SessionQuery.latest(2)))).containsExactly(s3.id(), s2.id());
        assertThat(service.sessions().list(Actor.local(), Ref.id(agent.id()), new SessionQuery(SessionStatus.KILLED, null, 10))).isEmpty();
        assertThat(service.sessions().list(Actor.local(), Ref.id(agent.id()), SessionQuery.latest(1))).singleElement()
                .satisfies(s -> assertThat(s.agentName()).isEqualTo("eng-1"));
    }

    @Test
    void refusesSessionQueryLimitsOutOfRange() {
        assertInvalid(() -> SessionQuery.latest(0), "limit");
        assertInvalid(() -> SessionQuery.latest(SessionQuery.MAX_LIMIT + 1), "limit");
    }

    private static List<Long> ids(List<Session> sessions) {
        return sessions.stream().map(Session::id).toList();
    }

    // ---------------------------------------------------------------- kill switches

    @Test
    void pausedAgentCannotStartAndItsUsageIsStillRecordedWithStop() {
        Agent agent = agent("eng-1");
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).session();
        service.settings().setAgent(Actor.local(), "eng-1", null, new AgentSettings(Change.keep(), Change.to(true)));

        BudgetExceededException refused = refusedStart(agent.id(), null);
        assertThat(refused.budget().violations()).extracting(Violation::scope).containsExactly(Scope.PAUSED);

        UsageReceipt receipt = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(receipt.action()).isEqualTo(Action.STOP);
        assertThat(receipt.stopReason()).isEqualTo("paused");
        assertThat(receipt.session().totals().costMicros()).as("usage is still recorded").isEqualTo(SONNET_COST);
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).firstViolation()).contains(Scope.PAUSED);

        reopen();
        refusedStart(agent.id(), null);
        service.settings().setAgent(Actor.local(), "eng-1", null, new AgentSettings(Change.keep(), Change.to(false)));
        assertThat(report(session.id(), TEN_K_IN_ONE_K_OUT).action()).isEqualTo(Action.CONTINUE);
        assertThat(service.sessions().start(Actor.local(), Ref.id(agent.id()), null, SONNET).budget().overBudget()).isFalse();
    }

    @Test
    void pausedTeamStopsAllItsAgents() {
        Agent one = agent("eng-1");
        Agent two = agent("eng-2");
        Session session = service.sessions().start(Actor.local(), Ref.id(one.id()), null, SONNET).session();
        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.keep(), Change.keep(), Change.to(true),
                Change.keep()));

        UsageReceipt receipt = report(session.id(), TEN_K_IN_ONE_K_OUT);
        assertThat(receipt.action()).isEqualTo(Action.STOP);
        assertThat(receipt.stopReason()).isEqualTo("paused");
        assertThat(receipt.session().totals().costMicros()).isEqualTo(SONNET_COST);
        assertThat(refusedStart(two.id(), null).budget().violations()).extracting(Violation::scope)
                .containsExactly(Scope.PAUSED);

        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.keep(), Change.keep(), Change.to(false),
                Change.keep()));
        assertThat(service.sessions().start(Actor.local(), Ref.id(two.id()), null, SONNET).budget().overBudget()).isFalse();
    }

    // ---------------------------------------------------------------- settings

    @Test
    void settingsPatchKeepsFieldsItDoesNotName() {
        Agent agent = agentWithDailyLimit("eng-1", 5_000_000L);
        Agent paused = service.settings().setAgent(Actor.local(), "eng-1", null, new AgentSettings(Change.keep(), Change.to(true)));
        assertThat(paused.dailyLimitMicros()).isEqualTo(5_000_000L);
        assertThat(paused.id()).isEqualTo(agent.id());
        Agent unlimited = service.settings().setAgent(Actor.local(), "eng-1", null, new AgentSettings(Change.to(null), Change.keep()));
        assertThat(unlimited.dailyLimitMicros()).isNull();
        assertThat(unlimited.paused()).isTrue();
        assertThat(service.settings().agent(Actor.local(), Ref.parse("eng-1"))).isEqualTo(unlimited);
        assertThat(service.settings().agent(Actor.local(), Ref.id(agent.id()))).isEqualTo(unlimited);

        teamInNewYork(10_000_000L);
        Team team = service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.keep(), Change.keep(), Change.keep(),
                Change.to(Map.of("bugfix", 1L))));
        assertThat(team.zone()).isEqualTo(NEW_YORK);
        assertThat(team.dailyLimitMicros()).isEqualTo(10_000_000L);
        reopen();
        assertThat(service.settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME))).isEqualTo(team);
    }

    @Test
    void maxRepeatedToolCallsIsAtLeastTwoOrOffAndKeptAcrossReopen() {
        service.settings().ensureDefaultTeam();
        assertThat(service.settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME)).maxRepeatedToolCalls())
                .as("off by default").isNull();
        for (int bad : new int[] {1, 0, -3, 1001}) {
            assertInvalid(() -> service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME,
                    TeamSettings.none().withMaxRepeatedToolCalls(Change.to(bad))), "max_repeated_tool_calls");
        }
        Team guarded = service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME,
                TeamSettings.none().withMaxRepeatedToolCalls(Change.to(2)));
        assertThat(guarded.maxRepeatedToolCalls()).isEqualTo(2);
        Team kept = service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.to(5L),
                Change.keep(), Change.keep(), Change.keep()));
        assertThat(kept.maxRepeatedToolCalls()).as("a patch that does not name it keeps it").isEqualTo(2);
        reopen();
        assertThat(service.settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME)).maxRepeatedToolCalls())
                .isEqualTo(2);
        Team off = service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME,
                TeamSettings.none().withMaxRepeatedToolCalls(Change.to(null)));
        assertThat(off.maxRepeatedToolCalls()).isNull();
    }
}
