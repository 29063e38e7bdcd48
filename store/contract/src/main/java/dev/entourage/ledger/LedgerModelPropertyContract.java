package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.spi.ManagedStore;
import dev.entourage.ledger.testing.StoreFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;

/**
 * Model-based property test of the budget rules (SPEC §2) over a real store: random sequences of start
 * session, report usage (new, exact replays, replays with another body), check budget, reserve / settle / release
 * / expire holds, end, kill, pause and resume of agent and team, and clock jumps (minutes, hours, to just before
 * local midnight, a day) in non-UTC zones around DST changes. A small in-memory model keeps agent-day, team-day
 * and task spend in micro-dollars, holds, sessions and pauses; after <em>every</em> step the service's
 * {@link Budget} (spent, held, limits, violations in order, {@code resets_at}) must equal the model's for every
 * agent (no task, each task, each of its last sessions), and each answer (report action and stop reason,
 * refused start or reservation with its budget) must equal what the model predicts.
 *
 * <p>Limits are small (cents to a dollar) so that stops, refusals and task caps happen often. One store per try.
 */
public abstract class LedgerModelPropertyContract {
    private static final TokenCounts TOKENS = new TokenCounts(100, 10, 0, 0, 0);
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final long TEAM_LIMIT = 1_500_000L;
    private static final Long[] AGENT_LIMITS = {800_000L, null, 500_000L};
    private static final long TASK_CAP = 700_000L;
    private static final long TYPE_CAP = 400_000L;
    private static final Long[] AGENT_WEEKLY = {2_000_000L, 1_200_000L, null};
    private static final Long[] AGENT_MONTHLY = {null, 3_000_000L, 2_500_000L};
    private static final long TEAM_WEEKLY = 3_000_000L;
    private static final long TEAM_MONTHLY = 5_000_000L;
    private static final long SESSION_CAP = 600_000L;
    private static final long TYPE_SESSION_CAP = 300_000L;

    /**
     * The store under test, used only as a factory: jqwik runs no JUnit extensions, so each try opens its own
     * store with {@link StoreFixture#open} on a fresh directory and disposes of it after.
     */
    protected abstract StoreFixture fixture();

    enum Kind { START, REPORT, REPLAY, CHECK, RESERVE, SETTLE, RELEASE, EXPIRE, END, KILL, PAUSE_AGENT, PAUSE_TEAM,
        CLOCK }

    record Step(Kind kind, int a, int b, int c) {
    }

    record Scenario(String zone, String start) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.of(
                new Scenario("America/New_York", "2026-10-31T22:30:00-04:00"), // DST ends 2026-11-01 (25 h day)
                new Scenario("America/New_York", "2026-03-07T23:00:00-05:00"), // DST starts 2026-03-08 (23 h day)
                new Scenario("Europe/Berlin", "2026-10-24T23:15:00+02:00"),    // DST ends 2026-10-25
                new Scenario("Australia/Lord_Howe", "2026-04-04T22:00:00+11:00"), // half-hour DST shift
                new Scenario("Asia/Kolkata", "2026-11-28T23:40:00+05:30"),
                new Scenario("Europe/Berlin", "2026-10-31T22:50:00+01:00"),   // month end, a day before a week end
                new Scenario("America/New_York", "2026-11-29T23:30:00-05:00"), // Sunday: week end, then month end
                new Scenario("America/New_York", "2027-02-28T23:00:00-05:00")); // February ends on a Sunday
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(List.of(
                Tuple.of(10, Kind.START), Tuple.of(25, Kind.REPORT), Tuple.of(6, Kind.REPLAY), Tuple.of(4, Kind.CHECK),
                Tuple.of(12, Kind.RESERVE), Tuple.of(10, Kind.SETTLE), Tuple.of(4, Kind.RELEASE),
                Tuple.of(4, Kind.EXPIRE), Tuple.of(4, Kind.END), Tuple.of(3, Kind.KILL),
                Tuple.of(3, Kind.PAUSE_AGENT), Tuple.of(2, Kind.PAUSE_TEAM), Tuple.of(8, Kind.CLOCK)));
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 1_000);
        return Combinators.combine(kinds, small, small, small).as(Step::new).list().ofMinSize(20).ofMaxSize(60);
    }

    @Property(tries = 50, seed = "20261101", shrinking = ShrinkingMode.BOUNDED)
    void serviceAgreesWithTheModelAfterEveryStep(@ForAll("scenarios") Scenario scenario,
                                                 @ForAll("steps") List<Step> steps) throws IOException {
        // the rules are under test here, not durability: a RAM disk, when there is one, spares the fsyncs
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "ledger-model") : Files.createTempDirectory("ledger-model");
        MutableClock clock = new MutableClock(java.time.OffsetDateTime.parse(scenario.start()).toInstant());
        StoreFixture stores = fixture();
        ManagedStore store = stores.open(dir, clock);
        try {
            Run run = new Run(new LedgerServices(store, PriceTable.bundled(), clock, TTL), clock,
                    ZoneId.of(scenario.zone()));
            int i = 0;
            for (Step step : steps) {
                String where = "step " + i++ + " " + step + " at " + clock.instant() + " in " + scenario.zone();
                run.apply(step, where);
                run.checkAll(where);
            }
        } finally {
            store.close();
            stores.dispose(dir);
            StoreFixture.deleteTree(dir);
        }
    }

    /** One try: the service under test and the model beside it. */
    static final class Run {
        final LedgerServices service;
        final MutableClock clock;
        final ZoneId zone;
        final long[] agentIds = new long[AGENT_LIMITS.length];
        final String[] agentNames = new String[AGENT_LIMITS.length];
        final boolean[] agentPaused = new boolean[AGENT_LIMITS.length];
        boolean teamPaused;
        final Map<Long, Long> taskCaps = new LinkedHashMap<>();
        final Map<Long, String> taskTypes = new HashMap<>();
        final Map<String, Long> spent = new HashMap<>();
        final Map<Long, MSession> sessions = new LinkedHashMap<>();
        final List<MHold> holds = new ArrayList<>();
        final List<MEvent> events = new ArrayList<>();
        int nextEvent;

        Run(LedgerServices service, MutableClock clock, ZoneId zone) {
            this.service = service;
            this.clock = clock;
            this.zone = zone;
            service.settings().ensureDefaultTeam();
            service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.to(TEAM_LIMIT),
                    Change.to(zone), Change.keep(), Change.to(Map.of("bugfix", TYPE_CAP)))
                    .withWindows(Change.to(TEAM_WEEKLY), Change.to(TEAM_MONTHLY))
                    .withSessionCaps(Change.to(SESSION_CAP), Change.to(Map.of("bugfix", TYPE_SESSION_CAP))));
            for (int a = 0; a < AGENT_LIMITS.length; a++) {
                Agent agent = service.settings().setAgent(Actor.local(), "agent-" + a, null,
                        new AgentSettings(Change.to(AGENT_LIMITS[a]), Change.keep())
                                .withWindows(Change.to(AGENT_WEEKLY[a]), Change.to(AGENT_MONTHLY[a])));
                agentIds[a] = agent.id();
                agentNames[a] = agent.name();
            }
            Task capped = service.settings().createTask(Actor.local(), Ref.parse(Team.DEFAULT_NAME), new NewTask("capped", null, "feature", List.of(), TASK_CAP));
            Task typed = service.settings().createTask(Actor.local(), Ref.parse(Team.DEFAULT_NAME), new NewTask("typed", null, "bugfix", List.of(), null));
            Task open = service.settings().createTask(Actor.local(), Ref.parse(Team.DEFAULT_NAME), new NewTask("open", null, "chore", List.of(), null));
            taskCaps.put(capped.id(), TASK_CAP);
            taskCaps.put(typed.id(), TYPE_CAP);
            taskCaps.put(open.id(), null);
            taskTypes.put(capped.id(), "feature");
            taskTypes.put(typed.id(), "bugfix");
            taskTypes.put(open.id(), "chore");
        }

        Instant now() {
            return clock.instant();
        }

        LocalDate today() {
            return LocalDate.ofInstant(now(), zone);
        }

        Instant resetsAt() {
            return today().plusDays(1).atStartOfDay(zone).toInstant();
        }

        long get(String key) {
            return spent.getOrDefault(key, 0L);
        }

        long held(java.util.function.Predicate<MHold> which) {
            return holds.stream().filter(h -> h.status == HoldStatus.HELD && now().isBefore(h.expiresAt))
                    .filter(which).mapToLong(h -> h.amount).sum();
        }

        HoldStatus statusNow(MHold hold) {
            return hold.status == HoldStatus.HELD && !now().isBefore(hold.expiresAt) ? HoldStatus.EXPIRED
                    : hold.status;
        }

        /** The model's budget of agent {@code a} with {@code taskId}'s cap and {@code session}, as BudgetRules. */
        Budget expect(int a, Long taskId, MSession session, Long estimate) {
            return expect(a, taskId, session, estimate, 0);
        }

        /** As the service answers right after a reservation of {@code reserved}: it may fill a limit exactly. */
        Budget expect(int a, Long taskId, MSession session, Long estimate, long reserved) {
            LocalDate day = today();
            String week = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
            String month = YearMonth.from(day).toString();
            Instant nextDay = resetsAt();
            Instant nextWeek = day.with(TemporalAdjusters.next(DayOfWeek.MONDAY)).atStartOfDay(zone).toInstant();
            Instant nextMonth = YearMonth.from(day).plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
            long agentHeld = held(h -> h.agent == a);
            long teamHeld = held(h -> true);
            String type = taskId == null ? null : taskTypes.get(taskId);
            Long sessionLimit = session == null ? null : "bugfix".equals(type) ? TYPE_SESSION_CAP : SESSION_CAP;
            List<ScopeBudget> scopes = List.of(
                    new ScopeBudget(Scope.AGENT_DAILY, AGENT_LIMITS[a], get("a" + a + "/" + day), agentHeld, nextDay),
                    new ScopeBudget(Scope.AGENT_WEEKLY, AGENT_WEEKLY[a], get("a" + a + "/w" + week), agentHeld,
                            nextWeek),
                    new ScopeBudget(Scope.AGENT_MONTHLY, AGENT_MONTHLY[a], get("a" + a + "/m" + month), agentHeld,
                            nextMonth),
                    taskId == null ? new ScopeBudget(Scope.TASK, null, null, null, null)
                            : new ScopeBudget(Scope.TASK, taskCaps.get(taskId), get("task/" + taskId),
                            held(h -> taskId.equals(h.taskId)), null),
                    session == null ? new ScopeBudget(Scope.SESSION, null, null, null, null)
                            : new ScopeBudget(Scope.SESSION, sessionLimit, session.cost,
                            held(h -> Long.valueOf(session.id).equals(h.sessionId)), null),
                    new ScopeBudget(Scope.TEAM_DAILY, TEAM_LIMIT, get("team/" + day), teamHeld, nextDay),
                    new ScopeBudget(Scope.TEAM_WEEKLY, TEAM_WEEKLY, get("team/w" + week), teamHeld, nextWeek),
                    new ScopeBudget(Scope.TEAM_MONTHLY, TEAM_MONTHLY, get("team/m" + month), teamHeld, nextMonth));
            long extra = estimate == null ? 0 : estimate;
            List<Violation> violations = new ArrayList<>();
            if (session != null && session.status == SessionStatus.KILLED) {
                violations.add(new Violation(Scope.KILLED, null, session.cost, null));
            }
            if (session != null && session.status == SessionStatus.ENDED) {
                violations.add(new Violation(Scope.ENDED, null, session.cost, null));
            }
            if (agentPaused[a] || teamPaused) {
                violations.add(new Violation(Scope.PAUSED, null, scopes.get(0).spentMicros(), null));
            }
            Instant freeAt = null;
            for (ScopeBudget scope : scopes) {
                if (scope.spentMicros() != null
                        && trips(scope.limitMicros(), scope.spentMicros() + scope.heldMicros(), extra, reserved)) {
                    violations.add(new Violation(scope.scope(), scope.limitMicros(), scope.spentMicros(),
                            scope.heldMicros(), estimate, scope.resetsAt()));
                    if (scope.resetsAt() != null && (freeAt == null || scope.resetsAt().isAfter(freeAt))) {
                        freeAt = scope.resetsAt();
                    }
                }
            }
            return new Budget(agentIds[a], taskId, session == null ? null : session.id, scopes, violations,
                    freeAt == null ? nextDay : freeAt);
        }

        static boolean trips(Long limit, long counted, long extra, long reserved) {
            return limit != null && (counted - reserved >= limit || counted + extra > limit);
        }

        MSession latestActive(int a) {
            return sessions.values().stream().filter(s -> s.agent == a && s.status == SessionStatus.ACTIVE)
                    .max(Comparator.comparingLong(s -> s.id)).orElse(null);
        }

        List<MSession> sessionsOf(int a) {
            return sessions.values().stream().filter(s -> s.agent == a).toList();
        }

        MSession pickSession(int pick) {
            if (sessions.isEmpty()) {
                return null;
            }
            List<MSession> all = new ArrayList<>(sessions.values());
            // favour recent sessions
            int n = all.size();
            int index = pick % 3 == 0 ? pick % n : n - 1 - (pick % Math.min(n, 3));
            return all.get(index);
        }

        Long taskChoice(int pick) {
            int k = pick % (taskCaps.size() + 1);
            return k == 0 ? null : new ArrayList<>(taskCaps.keySet()).get(k - 1);
        }

        long cost(int pick) {
            return (pick % 41) * 10_000L; // 0 .. 0.40 USD
        }

        void apply(Step step, String where) {
            switch (step.kind()) {
                case START -> start(step.a() % agentIds.length, taskChoice(step.b()), where);
                case REPORT -> {
                    MSession session = pickSession(step.a());
                    if (session != null) {
                        report(session, cost(step.b()), null, where);
                    }
                }
                case REPLAY -> replay(step, where);
                case CHECK -> {
                    int a = step.a() % agentIds.length;
                    Long taskId = taskChoice(step.b());
                    MSession latest = latestActive(a);
                    Long effective = taskId != null ? taskId : latest == null ? null : latest.taskId;
                    assertThat(service.budgets().check(Actor.local(), Ref.id(agentIds[a]), taskId, null)).as(where)
                            .isEqualTo(expect(a, effective, latest, null));
                }
                case RESERVE -> reserve(step, where);
                case SETTLE -> settle(step, where);
                case RELEASE -> {
                    if (!holds.isEmpty()) {
                        MHold hold = holds.get(step.a() % holds.size());
                        BudgetHold released = service.budgets().release(Actor.local(), hold.id);
                        if (statusNow(hold) == HoldStatus.HELD) {
                            hold.status = HoldStatus.RELEASED;
                        }
                        assertThat(released.status()).as(where).isEqualTo(statusNow(hold));
                    }
                }
                case EXPIRE -> clock.advance(step.a() % 2 == 0 ? TTL : TTL.plusSeconds(1));
                case END, KILL -> {
                    MSession session = pickSession(step.a());
                    if (session != null) {
                        Session answer = step.kind() == Kind.END ? service.sessions().end(Actor.local(), session.id)
                                : service.sessions().kill(Actor.local(), session.id, "model test");
                        if (session.status == SessionStatus.ACTIVE) {
                            session.status = step.kind() == Kind.END ? SessionStatus.ENDED : SessionStatus.KILLED;
                            holds.stream().filter(h -> Long.valueOf(session.id).equals(h.sessionId)
                                    && statusNow(h) == HoldStatus.HELD).forEach(h -> h.status = HoldStatus.RELEASED);
                        }
                        assertThat(answer.status()).as(where).isEqualTo(session.status);
                        assertThat(answer.totals().costMicros()).as(where).isEqualTo(session.cost);
                    }
                }
                case PAUSE_AGENT -> {
                    int a = step.a() % agentIds.length;
                    boolean paused = step.b() % 2 == 0;
                    Agent agent = service.settings().setAgent(Actor.local(), agentNames[a], null, new AgentSettings(Change.keep(),
                            Change.to(paused)));
                    agentPaused[a] = paused;
                    assertThat(agent.paused()).as(where).isEqualTo(paused);
                    assertThat(agent.dailyLimitMicros()).as(where).isEqualTo(AGENT_LIMITS[a]);
                }
                case PAUSE_TEAM -> {
                    boolean paused = step.b() % 3 == 0;
                    service.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.keep(), Change.keep(),
                            Change.to(paused), Change.keep()));
                    teamPaused = paused;
                }
                case CLOCK -> {
                    switch (step.a() % 5) {
                        case 0 -> clock.advance(Duration.ofSeconds(1 + step.b() % 3_600));
                        case 1 -> clock.advance(Duration.ofHours(1 + step.b() % 6));
                        case 2 -> clock.set(resetsAt().minusSeconds(1 + step.b() % 120)); // just before midnight
                        case 3 -> clock.advance(Duration.ofDays(2 + step.b() % 5)); // into another week
                        default -> clock.advance(Duration.ofHours(24 + step.b() % 3));
                    }
                }
                default -> throw new AssertionError(step);
            }
        }

        void start(int a, Long taskId, String where) {
            Budget expected = expect(a, taskId, null, null);
            if (expected.overBudget()) {
                BudgetExceededException refused = catchThrowableOfType(BudgetExceededException.class,
                        () -> service.sessions().start(Actor.local(), Ref.id(agentIds[a]), taskId, null));
                assertThat(refused).as(where + ": start must be refused, model says " + expected.violations())
                        .isNotNull();
                assertThat(refused.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
                assertThat(refused.budget()).as(where).isEqualTo(expected);
            } else {
                SessionStart started = service.sessions().start(Actor.local(), Ref.id(agentIds[a]), taskId, null);
                assertThat(started.budget()).as(where).isEqualTo(expected);
                Session session = started.session();
                assertThat(session.status()).isEqualTo(SessionStatus.ACTIVE);
                assertThat(session.taskId()).isEqualTo(taskId);
                sessions.put(session.id(), new MSession(session.id(), a, taskId));
            }
        }

        void report(MSession session, long cost, MHold hold, String where) {
            String eventId = "e-" + nextEvent++;
            UsageReport report = new UsageReport(session.id, TOKENS, cost, null, eventId, hold == null ? null : hold.id);
            if (hold != null && statusNow(hold) == HoldStatus.SETTLED) {
                LedgerException e = catchThrowableOfType(LedgerException.class, () -> service.usage().report(Actor.local(), report));
                assertThat(e).as(where + ": a settled hold settles no second report").isNotNull();
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                return;
            }
            UsageReceipt receipt = service.usage().report(Actor.local(), report);
            HoldStatus expectedHold = null;
            if (hold != null) {
                HoldStatus before = statusNow(hold);
                hold.status = before == HoldStatus.HELD ? HoldStatus.SETTLED : before;
                expectedHold = hold.status;
            }
            LocalDate day = today();
            String week = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
            String month = YearMonth.from(day).toString();
            spent.merge("a" + session.agent + "/" + day, cost, Long::sum);
            spent.merge("a" + session.agent + "/w" + week, cost, Long::sum);
            spent.merge("a" + session.agent + "/m" + month, cost, Long::sum);
            spent.merge("team/" + day, cost, Long::sum);
            spent.merge("team/w" + week, cost, Long::sum);
            spent.merge("team/m" + month, cost, Long::sum);
            if (session.taskId != null) {
                spent.merge("task/" + session.taskId, cost, Long::sum);
            }
            session.cost += cost;
            Budget expected = expect(session.agent, session.taskId, session, null);
            Action action = expected.overBudget() ? Action.STOP : Action.CONTINUE;
            String reason = expected.firstViolation().map(Scope::wireName).orElse(null);
            assertThat(receipt.budget()).as(where).isEqualTo(expected);
            assertThat(receipt.action()).as(where + ": stop exactly when the model is over budget").isEqualTo(action);
            assertThat(receipt.stopReason()).as(where).isEqualTo(reason);
            assertThat(receipt.duplicate()).isFalse();
            assertThat(receipt.costMicros()).isEqualTo(cost);
            assertThat(receipt.eventId()).isEqualTo(eventId);
            assertThat(receipt.holdStatus()).as(where).isEqualTo(expectedHold);
            assertThat(receipt.session().totals().costMicros()).as(where).isEqualTo(session.cost);
            events.add(new MEvent(report, session, action, reason));
        }

        void replay(Step step, String where) {
            if (events.isEmpty()) {
                return;
            }
            MEvent first = events.get(step.a() % events.size());
            if (step.b() % 4 == 0) {
                UsageReport different = new UsageReport(first.report.sessionId(), TOKENS,
                        first.report.costMicros() + 1, null, first.report.eventId(), first.report.holdId());
                LedgerException e = catchThrowableOfType(LedgerException.class, () -> service.usage().report(Actor.local(), different));
                assertThat(e).as(where + ": same event id, other body").isNotNull();
                assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_MISMATCH);
                return;
            }
            UsageReceipt receipt = service.usage().report(Actor.local(), first.report);
            MSession session = first.session;
            assertThat(receipt.duplicate()).as(where).isTrue();
            assertThat(receipt.eventId()).isEqualTo(first.report.eventId());
            assertThat(receipt.costMicros()).as(where).isEqualTo(first.report.costMicros());
            assertThat(receipt.action()).as(where + ": a replay answers the first decision").isEqualTo(first.action);
            assertThat(receipt.stopReason()).as(where).isEqualTo(first.stopReason);
            assertThat(receipt.budget()).as(where).isEqualTo(expect(session.agent, session.taskId, session, null));
            assertThat(receipt.session().totals().costMicros()).as(where).isEqualTo(session.cost);
            if (first.report.holdId() != null) {
                MHold hold = holds.stream().filter(h -> h.id.equals(first.report.holdId())).findFirst().orElseThrow();
                assertThat(receipt.holdStatus()).as(where).isEqualTo(statusNow(hold));
            }
        }

        void reserve(Step step, String where) {
            int a = step.a() % agentIds.length;
            List<MSession> own = sessionsOf(a);
            MSession session = own.isEmpty() || step.c() % 3 == 0 ? null : own.get(own.size() - 1 - step.c() % Math.min(own.size(), 2));
            MSession effectiveSession = session != null ? session : latestActive(a);
            Long taskId = effectiveSession == null ? null : effectiveSession.taskId;
            long estimate = cost(step.b());
            Budget wouldBe = expect(a, taskId, effectiveSession, estimate);
            Long sessionArg = session == null ? null : session.id;
            if (wouldBe.overBudget()) {
                BudgetExceededException refused = catchThrowableOfType(BudgetExceededException.class,
                        () -> service.budgets().reserve(Actor.local(), Ref.id(agentIds[a]), null, sessionArg, estimate));
                assertThat(refused).as(where + ": reserve must be refused, model says " + wouldBe.violations())
                        .isNotNull();
                assertThat(refused.budget()).as(where).isEqualTo(wouldBe);
                assertThat(refused.details()).containsEntry("scope", wouldBe.violations().get(0).scope().wireName());
                return;
            }
            HoldReceipt receipt = service.budgets().reserve(Actor.local(), Ref.id(agentIds[a]), null, sessionArg, estimate);
            BudgetHold hold = receipt.hold();
            assertThat(hold.amountMicros()).isEqualTo(estimate);
            assertThat(hold.taskId()).as(where).isEqualTo(taskId);
            assertThat(hold.sessionId()).as(where).isEqualTo(effectiveSession == null ? null : effectiveSession.id);
            assertThat(hold.expiresAt()).isEqualTo(now().plus(TTL));
            holds.add(new MHold(hold.id(), a, taskId, effectiveSession == null ? null : effectiveSession.id, estimate,
                    now().plus(TTL)));
            assertThat(receipt.budget()).as(where).isEqualTo(expect(a, taskId, effectiveSession, null, estimate));
        }

        void settle(Step step, String where) {
            if (holds.isEmpty()) {
                return;
            }
            // prefer holds still held; sometimes one already settled, released or expired
            List<MHold> live = holds.stream().filter(h -> statusNow(h) == HoldStatus.HELD).toList();
            MHold hold = !live.isEmpty() && step.c() % 5 != 0 ? live.get(step.a() % live.size())
                    : holds.get(step.a() % holds.size());
            List<MSession> own = sessionsOf(hold.agent);
            if (own.isEmpty()) {
                return;
            }
            MSession session = own.get(own.size() - 1);
            // exact cost mostly; sometimes less or more than reserved
            long cost = switch (step.b() % 4) {
                case 0 -> Math.max(0, hold.amount - 10_000);
                case 1 -> hold.amount + 20_000;
                default -> hold.amount;
            };
            report(session, cost, hold, where);
        }

        /** After every step: every agent's budget, as the service answers it, equals the model's. */
        void checkAll(String where) {
            for (int a = 0; a < agentIds.length; a++) {
                MSession latest = latestActive(a);
                assertThat(service.budgets().check(Actor.local(), Ref.id(agentIds[a]), null, null)).as(where + " agent " + a)
                        .isEqualTo(expect(a, latest == null ? null : latest.taskId, latest, null));
                for (Long taskId : taskCaps.keySet()) {
                    assertThat(service.budgets().check(Actor.local(), Ref.id(agentIds[a]), taskId, null)).as(where + " agent " + a + " task")
                            .isEqualTo(expect(a, taskId, latest, null));
                }
                List<MSession> own = sessionsOf(a);
                for (MSession s : own.subList(Math.max(0, own.size() - 2), own.size())) {
                    assertThat(service.budgets().check(Actor.local(), Ref.id(agentIds[a]), null, s.id)).as(where + " agent " + a + " session")
                            .isEqualTo(expect(a, s.taskId, s, null));
                }
            }
            Duration untilReset = Duration.between(now(), resetsAt());
            assertThat(untilReset).isPositive().isLessThanOrEqualTo(Duration.ofHours(25));
        }
    }

    static final class MSession {
        final long id;
        final int agent;
        final Long taskId;
        SessionStatus status = SessionStatus.ACTIVE;
        long cost;

        MSession(long id, int agent, Long taskId) {
            this.id = id;
            this.agent = agent;
            this.taskId = taskId;
        }
    }

    static final class MHold {
        final String id;
        final int agent;
        final Long taskId;
        final Long sessionId;
        final long amount;
        final Instant expiresAt;
        HoldStatus status = HoldStatus.HELD;

        MHold(String id, int agent, Long taskId, Long sessionId, long amount, Instant expiresAt) {
            this.id = id;
            this.agent = agent;
            this.taskId = taskId;
            this.sessionId = sessionId;
            this.amount = amount;
            this.expiresAt = expiresAt;
        }
    }

    record MEvent(UsageReport report, MSession session, Action action, String stopReason) {
    }
}
