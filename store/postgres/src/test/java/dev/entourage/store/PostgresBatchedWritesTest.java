package dev.entourage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entourage.ledger.Action;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.Agent;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.BudgetExceededException;
import dev.entourage.ledger.Change;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.PriceModifiers;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Scope;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.SpendKey;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReceipt;
import dev.entourage.ledger.UsageReport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL writer's batches: one transaction without savepoints, spend counters summed in memory and written
 * at the end, budget checks that see the batch's own sums, a refused piece taken back alone, and whole batches run
 * again after a deadlock. Each test first holds the writer on a piece of its own, queues the pieces under test and
 * only then lets it go, so they are certain to share one batch.
 */
class PostgresBatchedWritesTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final TokenCounts TOKENS = new TokenCounts(1_000, 100, 0, 0, 0);

    @RegisterExtension
    final PostgresStoreFixture fixture = new PostgresStoreFixture();

    private final ExecutorService callers = Executors.newFixedThreadPool(8);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stopCallers() {
        release.countDown();
        callers.shutdownNow();
    }

    @Test
    void reportsThatTogetherCrossALimitInOneBatchStopTheOneThatCrossesIt() throws Exception {
        LedgerServices services = fixture.services();
        Session session = sessionOfAgentWithDailyLimit(services, "eng-1", 1_000_000L);
        PostgresLedgerStore store = holdTheWriter();

        List<Future<UsageReceipt>> reports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            reports.add(callers.submit(() -> report(services, session, 400_000L)));
        }
        waitUntilQueued(store, 3);
        release.countDown();

        List<Action> actions = new ArrayList<>();
        for (Future<UsageReceipt> report : reports) {
            actions.add(report.get(30, TimeUnit.SECONDS).action());
        }
        assertThat(actions).as("400k + 400k fit under 1M; the third report crosses it and is told to stop")
                .containsExactlyInAnyOrder(Action.CONTINUE, Action.CONTINUE, Action.STOP);
        assertThat(fixture.cell("SELECT spent_micros FROM spend_counters WHERE scope = 'agent_daily'"))
                .isEqualTo("1200000");
        assertThat(fixture.rows("usage_events")).isEqualTo(3);
        assertThat(store.splitBatches()).isZero();
    }

    @Test
    void aReservationInTheSameBatchAsAReportSeesItsSpendAndIsRefusedAlone() throws Exception {
        LedgerServices services = fixture.services();
        Session session = sessionOfAgentWithDailyLimit(services, "eng-2", 1_000_000L);
        PostgresLedgerStore store = holdTheWriter();

        Future<UsageReceipt> report = callers.submit(() -> report(services, session, 700_000L));
        waitUntilQueued(store, 1);
        Future<Object> reserve = callers.submit(() -> services.budgets().reserve(Actor.local(),
                Ref.id(session.agentId()), null, null, 400_000L));
        waitUntilQueued(store, 2);
        Future<UsageReceipt> after = callers.submit(() -> report(services, session, 100_000L));
        waitUntilQueued(store, 3);
        release.countDown();

        assertThat(report.get(30, TimeUnit.SECONDS).action()).isEqualTo(Action.CONTINUE);
        assertThatThrownBy(() -> reserve.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(BudgetExceededException.class);
        assertThat(after.get(30, TimeUnit.SECONDS).budget().dailySpent()).isEqualTo(800_000L);
        assertThat(fixture.rows("budget_holds")).as("the refused reservation holds nothing").isZero();
        assertThat(fixture.cell("SELECT spent_micros FROM spend_counters WHERE scope = 'agent_daily'"))
                .isEqualTo("800000");
    }

    @Test
    void reportsOfOneBatchSeeEachOthersSessionTotalsAndEventIdsBeforeTheyAreSent() throws Exception {
        LedgerServices services = fixture.services();
        Session session = sessionOfAgentWithDailyLimit(services, "eng-3", 10_000_000L);
        PostgresLedgerStore store = holdTheWriter();

        Future<UsageReceipt> first = callers.submit(() -> report(services, session, 100_000L, "e-1"));
        waitUntilQueued(store, 1);
        Future<UsageReceipt> replay = callers.submit(() -> report(services, session, 100_000L, "e-1"));
        waitUntilQueued(store, 2);
        Future<UsageReceipt> second = callers.submit(() -> report(services, session, 200_000L, "e-2"));
        waitUntilQueued(store, 3);
        release.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS).duplicate()).isFalse();
        UsageReceipt replayed = replay.get(30, TimeUnit.SECONDS);
        assertThat(replayed.duplicate()).as("the replay finds the first report's row not yet sent").isTrue();
        assertThat(replayed.costMicros()).isEqualTo(100_000L);
        assertThat(second.get(30, TimeUnit.SECONDS).session().totals().costMicros())
                .as("the session as read in the batch holds the additions not yet sent").isEqualTo(300_000L);
        assertThat(fixture.rows("usage_events")).isEqualTo(2);
        assertThat(fixture.cell("SELECT cost_micros || '/' || input_tokens FROM sessions WHERE id = " + session.id()))
                .isEqualTo("300000/2000");
        assertThat(services.sessions().get(Actor.local(), session.id()).totals().costMicros()).isEqualTo(300_000L);
        assertThat(store.splitBatches()).as("answered by the batch run together, not by the run with savepoints")
                .isZero();
    }

    @Test
    void countersReadAheadForTheNextBatchAreReadWhenItRuns() throws Exception {
        PostgresLedgerStore store = (PostgresLedgerStore) fixture.store();
        SpendKey agent = new SpendKey(Scope.AGENT_DAILY, 7, "2026-11-28");
        SpendKey team = new SpendKey(Scope.TEAM_DAILY, 8, "2026-11-28");
        SpendKey task = new SpendKey(Scope.TASK, 9, SpendKey.ALL_TIME);
        store.write(w -> w.addSpend(agent, 5) + w.addSpend(team, 7));
        try (Connection other = fixture.connect(fixture.dir()); Statement s = other.createStatement()) {
            s.execute("UPDATE spend_counters SET spent_micros = 100 WHERE scope_id = 7");
        }

        String seen = store.write(w -> w.spent(team) + "," + w.spent(agent) + "," + w.spent(task));

        assertThat(seen).as("read ahead together, as stored when the batch ran").isEqualTo("7,100,0");
    }

    @Test
    void aPieceThatFailsTakesItsSpendBackAndTheOthersAreCountedOnce() throws Exception {
        PostgresLedgerStore store = holdTheWriter();
        SpendKey key = new SpendKey(Scope.TEAM_DAILY, 1, "2026-11-28");
        AtomicInteger runs = new AtomicInteger();

        Future<Long> first = callers.submit(() -> store.write(w -> {
            runs.incrementAndGet();
            return w.addSpend(key, 5);
        }));
        waitUntilQueued(store, 1);
        Future<Object> refused = callers.submit(() -> store.write(w -> {
            w.addSpend(key, 1_000);
            throw LedgerException.invalid("cost", "refused on purpose");
        }));
        waitUntilQueued(store, 2);
        Future<Long> last = callers.submit(() -> store.write(w -> w.addSpend(key, 7)));
        waitUntilQueued(store, 3);
        release.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(5);
        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().hasMessageContaining("refused on purpose");
        assertThat(last.get(30, TimeUnit.SECONDS)).as("the refused piece's 1,000 was taken back").isEqualTo(12);
        assertThat(runs.get()).as("run together once, then again with a savepoint each").isEqualTo(2);
        assertThat(store.splitBatches()).isEqualTo(1);
        assertThat(fixture.cell("SELECT spent_micros FROM spend_counters")).isEqualTo("12");
    }

    @Test
    void aDeadlockRunsTheWholeBatchAgainAndEachPieceCountsOnce() throws Exception {
        PostgresLedgerStore store = (PostgresLedgerStore) fixture.store();
        Team team = store.write(w -> w.insertTeam("contested", NOW));
        SpendKey key = new SpendKey(Scope.TEAM_DAILY, team.id(), "2026-11-28");
        try (Connection other = fixture.connect(fixture.dir()); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.execute("SET deadlock_timeout = '60s'");
            s.execute("UPDATE teams SET name = name WHERE id = " + team.id());
            holdTheWriter();

            AtomicInteger runs = new AtomicInteger();
            Future<Long> before = callers.submit(() -> store.write(w -> {
                runs.incrementAndGet();
                return w.addSpend(key, 1);
            }));
            waitUntilQueued(store, 1);
            Future<Long> blocked = callers.submit(() -> store.write(w -> {
                w.addSpend(key, 10);
                w.updateTeam(team);
                return w.spent(key);
            }));
            waitUntilQueued(store, 2);
            Future<Long> after = callers.submit(() -> store.write(w -> w.addSpend(key, 100)));
            waitUntilQueued(store, 3);
            release.countDown();
            waitUntilTheWriterWaitsOnTheRowLock();

            Future<Boolean> deadlocked = callers.submit(() -> {
                s.execute("SELECT pg_advisory_xact_lock(" + PostgresLedgerStore.WRITE_LOCK + ")");
                other.commit();
                return true;
            });

            assertThat(deadlocked.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(before.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(blocked.get(30, TimeUnit.SECONDS)).isEqualTo(11);
            assertThat(after.get(30, TimeUnit.SECONDS)).isEqualTo(111);
            assertThat(runs.get()).as("the writer lost the deadlock and ran the whole batch again").isEqualTo(2);
        }
        assertThat(fixture.cell("SELECT spent_micros FROM spend_counters WHERE scope_id = " + team.id()))
                .as("each piece counted once").isEqualTo("111");
    }

    @Test
    void aBatchWritesTheRowsThatOneStatementPerRowWrites() throws Exception {
        LedgerServices services = fixture.services();
        Session onTask = sessionOfAgentWithDailyLimit(services, "eng-4", 100_000_000L);
        long task = services.settings().createTask(Actor.local(), Ref.id(onTask.teamId()),
                new NewTask("nightly", null, null, List.of(), null)).id();
        Agent agent = services.settings().setAgent(Actor.local(), "eng-5", null, AgentSettings.none());
        List<Function<Session[], UsageReport>> reports = List.of(
                s -> new UsageReport(s[0].id(), new TokenCounts(1_000, 200, 400, 300, 500), null,
                        "claude-sonnet-4-20250514", null, null, new PriceModifiers("batch", null, "us")),
                s -> new UsageReport(s[0].id(), new TokenCounts(7, 8, 0, 0, 0), 1_234L, null, null),
                s -> new UsageReport(s[1].id(), new TokenCounts(50, 60, 0, 0, 0), null, "a-model-with-no-price",
                        null),
                s -> new UsageReport(s[0].id(), new TokenCounts(2_000, 1, 0, 0, 9), null, "claude-haiku-4-5", null),
                s -> new UsageReport(s[1].id(), new TokenCounts(3, 4, 0, 0, 0), 99L, "claude-haiku-4-5",
                        "mine-" + s[1].id()));

        Session[] together = {services.sessions().start(Actor.local(), Ref.id(onTask.agentId()), task, null)
                .session(), services.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session()};
        PostgresLedgerStore store = holdTheWriter();
        List<Future<UsageReceipt>> first = queue(services, store, reports, together);
        release.countDown();
        for (Future<UsageReceipt> receipt : first) {
            receipt.get(30, TimeUnit.SECONDS);
        }
        assertThat(store.splitBatches()).as("one batch, its rows sent together").isZero();

        Session[] oneByOne = {services.sessions().start(Actor.local(), Ref.id(onTask.agentId()), task, null)
                .session(), services.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session()};
        CountDownLatch second = new CountDownLatch(1);
        holdTheWriterUntil(store, second);
        List<Future<UsageReceipt>> again = queue(services, store, reports, oneByOne);
        Future<Object> refused = callers.submit(() -> store.write(w -> {
            throw LedgerException.invalid("cost", "refused on purpose");
        }));
        waitUntilQueued(store, reports.size() + 1);
        second.countDown();
        for (Future<UsageReceipt> receipt : again) {
            receipt.get(30, TimeUnit.SECONDS);
        }
        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(store.splitBatches()).as("the second batch ran a statement per row, in savepoints").isEqualTo(1);

        for (int i = 0; i < 2; i++) {
            for (String table : List.of("usage_events", "spend_rollups", "hour_rollups", "sessions")) {
                assertThat(rowsOf(table, oneByOne[i].id())).as(table + " of session " + i)
                        .isNotEmpty().isEqualTo(rowsOf(table, together[i].id()));
            }
        }
        assertThat(fixture.cell("SELECT SUM(events) FROM spend_rollups WHERE session_id = " + together[0].id()))
                .isEqualTo("3");
        assertThat(fixture.cell("SELECT COUNT(*) FROM spend_rollups WHERE session_id = " + together[0].id()))
                .as("one row per model").isEqualTo("3");
    }

    private List<Future<UsageReceipt>> queue(LedgerServices services, PostgresLedgerStore store,
                                             List<Function<Session[], UsageReport>> reports, Session[] sessions)
            throws InterruptedException, ExecutionException {
        List<Future<UsageReceipt>> receipts = new ArrayList<>();
        for (Function<Session[], UsageReport> report : reports) {
            Future<UsageReceipt> receipt = callers.submit(() -> services.usage().report(Actor.local(),
                    report.apply(sessions)));
            receipts.add(receipt);
            for (int i = 0; i < 3_000 && store.queuedWrites() < receipts.size() && !receipt.isDone(); i++) {
                Thread.sleep(10);
            }
            if (receipt.isDone()) {
                receipt.get();
            }
            waitUntilQueued(store, receipts.size());
        }
        return receipts;
    }

    /** A session's rows of {@code table} (its own row for {@code sessions}) without what names it, in order. */
    private List<String> rowsOf(String table, long sessionId) throws SQLException {
        String sql = switch (table) {
            case "sessions" -> "SELECT * FROM sessions WHERE id = " + sessionId;
            case "usage_events" -> "SELECT * FROM usage_events WHERE session_id = " + sessionId + " ORDER BY id";
            default -> "SELECT * FROM " + table + " WHERE session_id = " + sessionId + " ORDER BY bucket, model";
        };
        List<String> rows = new ArrayList<>();
        try (Connection c = fixture.connect(fixture.dir()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    String column = rs.getMetaData().getColumnName(i);
                    if (!List.of("id", "session_id", "event_id", "fingerprint", "started_at").contains(column)) {
                        row.append(column).append('=').append(rs.getString(i)).append(' ');
                    }
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static Session sessionOfAgentWithDailyLimit(LedgerServices services, String name, long limit) {
        services.settings().ensureDefaultTeam();
        Agent agent = services.settings().setAgent(Actor.local(), name, null,
                new AgentSettings(Change.to(limit), Change.keep()));
        return services.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();
    }

    private static UsageReceipt report(LedgerServices services, Session session, long costMicros) {
        return report(services, session, costMicros, null);
    }

    private static UsageReceipt report(LedgerServices services, Session session, long costMicros, String eventId) {
        return services.usage().report(Actor.local(),
                new UsageReport(session.id(), TOKENS, costMicros, null, eventId, null));
    }

    /** Queues a piece that keeps the writer busy until {@link #release}; returns once the writer runs it. */
    private PostgresLedgerStore holdTheWriter() throws InterruptedException {
        PostgresLedgerStore store = (PostgresLedgerStore) fixture.store();
        holdTheWriterUntil(store, release);
        return store;
    }

    /** Queues a piece that keeps the writer busy until {@code until} counts down; returns once the writer runs it. */
    private void holdTheWriterUntil(PostgresLedgerStore store, CountDownLatch until) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        callers.submit((Callable<Object>) () -> store.write(w -> {
            holding.countDown();
            try {
                return until.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }));
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
    }

    private void waitUntilTheWriterWaitsOnTheRowLock() throws InterruptedException {
        String waiting = "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                + "AND query LIKE 'UPDATE teams%'";
        for (int i = 0; i < 3_000 && !"1".equals(fixture.cell(waiting)); i++) {
            Thread.sleep(10);
        }
        assertThat(fixture.cell(waiting)).isEqualTo("1");
    }

    private static void waitUntilQueued(PostgresLedgerStore store, int writes) throws InterruptedException {
        for (int i = 0; i < 3_000 && store.queuedWrites() < writes; i++) {
            Thread.sleep(10);
        }
        assertThat(store.queuedWrites()).isEqualTo(writes);
    }
}
