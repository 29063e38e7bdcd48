package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.testing.StoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Budget holds (SPEC §2) over a real store: reserve, settle, expire, release, replays, concurrency. */
public abstract class BudgetHoldsContract extends StoreContract {
    private static final TokenCounts TOKENS = new TokenCounts(1_000, 100, 0, 0, 0);
    private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");

    private MutableClock clock;
    private LedgerServices service;

    protected BudgetHoldsContract() {
        super(START);
    }

    @BeforeEach
    void open() {
        clock = fixture.clock();
        service = fixture.services();
        service.settings().ensureDefaultTeam();
    }

    private void reopen() {
        fixture.reopen();
        service = fixture.services();
    }

    private Agent agent(String name, Long dailyLimit) {
        return service.settings().setAgent(Actor.local(), name, null, new AgentSettings(Change.to(dailyLimit), Change.keep()));
    }

    private void teamLimit(long micros) {
        service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.to(micros), Change.keep(), Change.keep(),
                Change.keep()));
    }

    private UsageReceipt report(long sessionId, long costMicros, String holdId) {
        return service.usage().report(Actor.local(), new UsageReport(sessionId, TOKENS, costMicros, null, null, holdId));
    }

    private BudgetExceededException refusedReserve(long agentId, Long taskId, long estimate) {
        BudgetExceededException e = catchThrowableOfType(BudgetExceededException.class,
                () -> service.budgets().reserve(Actor.local(), Ref.id(agentId), taskId, null, estimate));
        assertThat(e).as("reserve must be refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
        assertThat(e.budget().overBudget()).isTrue();
        return e;
    }

    @Test
    void whatIsHeldAgainstSeveralSubjectsReadTogetherIsEachAsReadAlone() {
        Agent first = agent("eng-1", null);
        Agent second = agent("eng-2", null);
        Task task = service.settings().createTask(Actor.local(), Ref.parse(Team.DEFAULT_NAME),
                new NewTask("t", "low", null, List.of(), null));
        Session firstSession = service.sessions().start(Actor.local(), Ref.id(first.id()), null, null).session();
        Session taskSession = service.sessions().start(Actor.local(), Ref.id(second.id()), task.id(), null).session();
        service.budgets().reserve(Actor.local(), Ref.id(first.id()), null, null, 100_000L);
        clock.advance(LedgerServices.DEFAULT_HOLD_TTL);
        service.budgets().reserve(Actor.local(), Ref.id(first.id()), null, null, 20_000L);
        service.budgets().reserve(Actor.local(), Ref.id(second.id()), task.id(), null, 3_000L);
        String released = service.budgets().reserve(Actor.local(), Ref.id(second.id()), task.id(), null, 400L)
                .hold().id();
        service.budgets().release(Actor.local(), released);
        Map<BudgetSubject, Long> ids = Map.of(BudgetSubject.AGENT, first.id(),
                BudgetSubject.TEAM, first.teamId(), BudgetSubject.TASK, task.id(), BudgetSubject.SESSION,
                taskSession.id());
        Instant now = clock.instant();

        Map<BudgetSubject, Long> together = fixture.store().read(r -> r.heldAll(ids, now));

        assertThat(together).containsExactlyInAnyOrderEntriesOf(Map.of(BudgetSubject.AGENT, 20_000L,
                BudgetSubject.TEAM, 23_000L, BudgetSubject.TASK, 3_000L, BudgetSubject.SESSION, 3_000L));
        ids.forEach((subject, id) -> assertThat(together.get(subject)).as("%s", subject)
                .isEqualTo(fixture.store().read(r -> r.held(subject, id, now))));
        Map<BudgetSubject, Long> alone = fixture.store().read(r -> r.heldAll(
                Map.of(BudgetSubject.SESSION, firstSession.id()), now));
        assertThat(alone).containsExactlyEntriesOf(Map.of(BudgetSubject.SESSION, 20_000L));
    }

    @Test
    void aReservationThatFitsIsHeldAndCountsAsSpent() {
        Agent agent = agent("eng-1", 1_000_000L);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();

        HoldReceipt receipt = service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 400_000L);

        BudgetHold hold = receipt.hold();
        assertThat(hold.id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(hold.amountMicros()).isEqualTo(400_000L);
        assertThat(hold.sessionId()).isEqualTo(session.id());
        assertThat(hold.expiresAt()).isEqualTo(START.plus(LedgerServices.DEFAULT_HOLD_TTL));
        assertThat(hold.status()).isEqualTo(HoldStatus.HELD);
        assertThat(receipt.budget().dailyHeld()).isEqualTo(400_000L);
        assertThat(receipt.budget().dailySpent()).isZero();
        assertThat(receipt.budget().dailyRemaining()).isEqualTo(600_000L);
        assertThat(receipt.budget().overBudget()).isFalse();

        Budget checked = service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null);
        assertThat(checked.dailyHeld()).isEqualTo(400_000L);
        assertThat(checked.teamDailyHeld()).isEqualTo(400_000L);
        assertThat(checked.dailyRemaining()).isEqualTo(600_000L);
        assertThat(service.budgets().hold(Actor.local(), hold.id()).status()).isEqualTo(HoldStatus.HELD);
    }

    @Test
    void aReservationThatDoesNotFitNamesTheScopeAndWhatRemainsAndHoldsNothing() {
        teamLimit(1_000_000L);
        Agent agent = agent("eng-2", 5_000_000L);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();
        report(session.id(), 700_000L, null);

        BudgetExceededException refused = refusedReserve(agent.id(), null, 400_000L);

        assertThat(refused.budget().violations()).singleElement().satisfies(v -> {
            assertThat(v.scope()).isEqualTo(Scope.TEAM_DAILY);
            assertThat(v.limitMicros()).isEqualTo(1_000_000L);
            assertThat(v.spentMicros()).isEqualTo(700_000L);
            assertThat(v.estimateMicros()).isEqualTo(400_000L);
            assertThat(v.remainingMicros()).isEqualTo(300_000L);
        });
        assertThat(refused.details()).containsEntry("scope", "team_daily")
                .containsEntry("remaining_usd", Money.toDollars(300_000L));
        assertThat(refused.getMessage()).contains("team's daily budget").contains("$0.30 remains");
        assertThat(refused.budget().teamDailyRemaining()).isEqualTo(300_000L);
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).teamDailyHeld()).as("nothing held").isZero();

        assertThat(service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 300_000L).budget().teamDailyRemaining())
                .as("exactly what remains fits").isZero();
        assertThat(refusedReserve(agent.id(), null, 0L).budget().firstViolation()).contains(Scope.TEAM_DAILY);
    }

    @Test
    void aTaskReservationThatDoesNotFitNamesTheTask() {
        Agent agent = agent("eng-3", null);
        Task task = service.settings().createTask(Actor.local(), Ref.parse(Team.DEFAULT_NAME), new NewTask("t", "low", null, List.of(), 100_000L));
        service.sessions().start(Actor.local(), Ref.id(agent.id()), task.id(), null);

        BudgetExceededException refused = refusedReserve(agent.id(), null, 150_000L);
        assertThat(refused.budget().firstViolation()).contains(Scope.TASK);
        assertThat(refused.details()).containsEntry("scope", "task");
        HoldReceipt fits = service.budgets().reserve(Actor.local(), Ref.id(agent.id()), task.id(), null, 60_000L);
        assertThat(fits.hold().taskId()).isEqualTo(task.id());
        assertThat(fits.budget().taskHeld()).isEqualTo(60_000L);
        assertThat(fits.budget().taskRemaining()).isEqualTo(40_000L);
    }

    @Test
    void pausedAgentsCannotReserve() {
        Agent agent = agent("eng-4", null);
        service.settings().setAgent(Actor.local(), "eng-4", null, new AgentSettings(Change.keep(), Change.to(true)));
        BudgetExceededException refused = refusedReserve(agent.id(), null, 1L);
        assertThat(refused.budget().firstViolation()).contains(Scope.PAUSED);
    }

    @Test
    void heldAmountsCountForOtherAgentsChecksReportsAndNewSessions() {
        teamLimit(1_000_000L);
        Agent holder = agent("eng-5", null);
        Agent other = agent("eng-6", null);
        Session otherSession = service.sessions().start(Actor.local(), Ref.id(other.id()), null, null).session();

        service.budgets().reserve(Actor.local(), Ref.id(holder.id()), null, null, 900_000L);

        Budget otherBudget = service.budgets().check(Actor.local(), Ref.id(other.id()), null, null);
        assertThat(otherBudget.teamDailyHeld()).isEqualTo(900_000L);
        assertThat(otherBudget.dailyHeld()).as("another agent's hold is not on its own day").isZero();
        assertThat(otherBudget.teamDailyRemaining()).isEqualTo(100_000L);
        refusedReserve(other.id(), null, 200_000L);

        UsageReceipt over = report(otherSession.id(), 100_000L, null);
        assertThat(over.action()).as("spent + held reached the team limit").isEqualTo(Action.STOP);
        assertThat(over.stopReason()).isEqualTo("team_daily");
        assertThat(over.budget().teamDailyRemaining()).isZero();

        BudgetExceededException refusedStart = catchThrowableOfType(BudgetExceededException.class,
                () -> service.sessions().start(Actor.local(), Ref.id(other.id()), null, null));
        assertThat(refusedStart).isNotNull();
        assertThat(refusedStart.budget().firstViolation()).contains(Scope.TEAM_DAILY);
    }

    @Test
    void settlingWithALowerCostFreesTheRestAndWithAHigherCostCountsTheRealCost() {
        teamLimit(1_000_000L);
        Agent agent = agent("eng-7", null);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();

        BudgetHold lower = service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 500_000L).hold();
        UsageReceipt settled = report(session.id(), 200_000L, lower.id());
        assertThat(settled.holdId()).isEqualTo(lower.id());
        assertThat(settled.holdStatus()).isEqualTo(HoldStatus.SETTLED);
        assertThat(settled.budget().teamDailyHeld()).isZero();
        assertThat(settled.budget().teamDailySpent()).isEqualTo(200_000L);
        assertThat(settled.budget().teamDailyRemaining()).isEqualTo(800_000L);
        assertThat(service.budgets().hold(Actor.local(), lower.id()).status()).isEqualTo(HoldStatus.SETTLED);
        assertThat(service.budgets().hold(Actor.local(), lower.id()).eventId()).isEqualTo(settled.eventId());

        BudgetHold higher = service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 300_000L).hold();
        UsageReceipt more = report(session.id(), 450_000L, higher.id());
        assertThat(more.holdStatus()).isEqualTo(HoldStatus.SETTLED);
        assertThat(more.budget().teamDailySpent()).as("the real cost counts, not the estimate")
                .isEqualTo(650_000L);
        assertThat(more.budget().teamDailyHeld()).isZero();
        assertThat(more.action()).isEqualTo(Action.CONTINUE);
    }

    @Test
    void badHoldIdsAreRefusedAndWriteNothing() {
        Agent agent = agent("eng-8", null);
        Agent other = agent("eng-9", null);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();
        BudgetHold othersHold = service.budgets().reserve(Actor.local(), Ref.id(other.id()), null, null, 10_000L).hold();
        BudgetHold own = service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 10_000L).hold();
        report(session.id(), 5_000L, own.id());

        for (String holdId : List.of("no-such-hold", othersHold.id(), own.id())) {
            LedgerException e = catchThrowableOfType(LedgerException.class, () -> report(session.id(), 1L, holdId));
            assertThat(e).as(holdId).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.details()).containsEntry("field", "hold_id");
        }
        assertThat(service.sessions().get(Actor.local(), session.id()).totals().costMicros()).isEqualTo(5_000L);
        assertThat(service.budgets().hold(Actor.local(), othersHold.id()).status()).as("another agent's hold is untouched")
                .isEqualTo(HoldStatus.HELD);
    }

    @Test
    void unsettledHoldsExpireAfterTheirTimeAndAReportNamingOneIsStillRecorded() {
        teamLimit(1_000_000L);
        Agent agent = agent("eng-10", null);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();
        BudgetHold hold = service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 900_000L).hold();

        clock.advance(LedgerServices.DEFAULT_HOLD_TTL.minusSeconds(1));
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).teamDailyHeld()).isEqualTo(900_000L);
        clock.advance(Duration.ofSeconds(1));
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).teamDailyHeld()).as("expired at expires_at").isZero();
        assertThat(service.budgets().hold(Actor.local(), hold.id()).status()).isEqualTo(HoldStatus.EXPIRED);

        UsageReceipt late = report(session.id(), 300_000L, hold.id());
        assertThat(late.holdStatus()).isEqualTo(HoldStatus.EXPIRED);
        assertThat(late.budget().teamDailySpent()).as("usage is never lost").isEqualTo(300_000L);
        assertThat(late.budget().teamDailyHeld()).isZero();
        assertThat(service.budgets().hold(Actor.local(), hold.id()).status()).isEqualTo(HoldStatus.EXPIRED);
    }

    @Test
    void holdsSurviveARestartAndExpireAfterOne() {
        teamLimit(1_000_000L);
        Agent agent = agent("eng-11", null);
        BudgetHold hold = service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 600_000L).hold();

        reopen();
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).teamDailyHeld()).isEqualTo(600_000L);
        refusedReserve(agent.id(), null, 500_000L);

        clock.advance(Duration.ofMinutes(11));
        reopen();
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).teamDailyHeld()).isZero();
        assertThat(service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 1_000_000L).budget().teamDailyRemaining()).isZero();
        assertThat(service.budgets().hold(Actor.local(), hold.id()).status()).isEqualTo(HoldStatus.EXPIRED);
        assertThat(service.budgets().hold(Actor.local(), hold.id()).closedAt()).as("marked expired by the write").isNotNull();
    }

    @Test
    void theHoldTtlIsASettingOfTheService() {
        service = fixture.services(Duration.ofSeconds(30));
        Agent agent = agent("eng-12", null);
        BudgetHold hold = service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 1_000L).hold();
        assertThat(hold.expiresAt()).isEqualTo(START.plusSeconds(30));
        clock.advance(Duration.ofSeconds(30));
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).dailyHeld()).isZero();
    }

    @Test
    void anExplicitReleaseFreesTheAmountAndIsIdempotent() {
        teamLimit(1_000_000L);
        Agent agent = agent("eng-13", null);
        Agent other = agent("eng-14", null);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();
        BudgetHold hold = service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 800_000L).hold();

        LedgerException foreign = catchThrowableOfType(LedgerException.class,
                () -> service.budgets().release(Actor.agent(other.teamId(), other.id()), hold.id()));
        assertThat(foreign.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(catchThrowableOfType(LedgerException.class, () -> service.budgets().release(Actor.local(), "nope")).code())
                .isEqualTo(ErrorCode.NOT_FOUND);

        BudgetHold released = service.budgets().release(Actor.agent(agent.teamId(), agent.id()), hold.id());
        assertThat(released.status()).isEqualTo(HoldStatus.RELEASED);
        assertThat(service.budgets().release(Actor.local(), hold.id())).isEqualTo(released);
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).teamDailyHeld()).isZero();

        UsageReceipt after = report(session.id(), 100_000L, hold.id());
        assertThat(after.holdStatus()).isEqualTo(HoldStatus.RELEASED);
        assertThat(after.budget().teamDailySpent()).isEqualTo(100_000L);
    }

    @Test
    void aReplayWithTheHoldIdIsAnsweredOnceAndADifferentHoldIsAMismatch() {
        Agent agent = agent("eng-15", null);
        Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();
        BudgetHold hold = service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 50_000L).hold();
        UsageReport report = new UsageReport(session.id(), TOKENS, 40_000L, null, "evt-h", hold.id());

        UsageReceipt first = service.usage().report(Actor.local(), report);
        UsageReceipt replay = service.usage().report(Actor.local(), report);

        assertThat(replay.duplicate()).isTrue();
        assertThat(replay.holdStatus()).isEqualTo(HoldStatus.SETTLED);
        assertThat(replay.costMicros()).isEqualTo(first.costMicros());
        assertThat(service.sessions().get(Actor.local(), session.id()).totals().costMicros()).isEqualTo(40_000L);
        for (UsageReport changed : List.of(
                new UsageReport(session.id(), TOKENS, 40_000L, null, "evt-h"),
                new UsageReport(session.id(), TOKENS, 40_000L, null, "evt-h", "another-hold"))) {
            LedgerException e = catchThrowableOfType(LedgerException.class, () -> service.usage().report(Actor.local(), changed));
            assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_MISMATCH);
        }
    }

    @Test
    void badEstimatesAreRefused() {
        Agent agent = agent("eng-16", null);
        for (long estimate : new long[] {-1L, Money.MAX_REPORTED_MICROS + 1}) {
            LedgerException e = catchThrowableOfType(LedgerException.class,
                    () -> service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, estimate));
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.details()).containsEntry("field", "estimated_cost_usd");
        }
    }

    @Test
    void agentsOfOneTeamReservingHonestEstimatesNeverOvershootTheTeamLimit() throws Exception {
        long limit = 1_000_000L;
        teamLimit(limit);
        int threads = 8;
        List<Long> agents = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            agents.add(agent("racer-" + i, null).id());
        }
        AtomicLong acknowledged = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long agentId = agents.get(t);
                int seed = t;
                Callable<Integer> work = () -> {
                    go.await();
                    long sessionId = service.sessions().start(Actor.local(), Ref.id(agentId), null, null).session().id();
                    int reports = 0;
                    for (int i = 0; i < 200; i++) {
                        long estimate = 20_000L + 1_000L * ((seed + i) % 7);
                        HoldReceipt hold;
                        try {
                            hold = service.budgets().reserve(Actor.local(), Ref.id(agentId), null, null, estimate);
                        } catch (BudgetExceededException refused) {
                            if (refused.budget().teamDailyRemaining() == 0
                                    && refused.budget().teamDailyHeld() == 0) {
                                break;
                            }
                            continue;
                        }
                        long cost = estimate - (i % 3) * 1_000L;
                        UsageReceipt r = service.usage().report(Actor.local(), new UsageReport(sessionId, TOKENS, cost, null, null,
                                hold.hold().id()));
                        acknowledged.addAndGet(r.costMicros());
                        reports++;
                    }
                    return reports;
                };
                done.add(pool.submit(work));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get(2, TimeUnit.MINUTES);
            }
            assertThat(total).isPositive();
        } finally {
            pool.shutdownNow();
        }
        Budget end = service.budgets().check(Actor.local(), Ref.id(agents.get(0)), null, null);
        assertThat(end.teamDailySpent()).isEqualTo(acknowledged.get());
        assertThat(end.teamDailySpent()).as("the team never overshoots").isLessThanOrEqualTo(limit);
        assertThat(end.teamDailySpent()).as("and most of it was usable").isGreaterThan(limit - 30_000L);
        assertThat(end.teamDailyHeld()).isZero();
    }
}
