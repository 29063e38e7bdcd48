package dev.entourage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.Actor;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.Budget;
import dev.entourage.ledger.BudgetExceededException;
import dev.entourage.ledger.Change;
import dev.entourage.ledger.HoldReceipt;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.StorageUnavailableException;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TeamSettings;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReport;
import dev.entourage.ledger.events.LedgerEvent;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.spi.ManagedStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a team's shared PostgreSQL ledger adds to the contract: several processes on one database. */
class PostgresTeamStoreTest {
    private static final TokenCounts TOKENS = new TokenCounts(1_000, 100, 0, 0, 0);

    @RegisterExtension
    final PostgresStoreFixture fixture = fixture();

    private static PostgresStoreFixture fixture() {
        PostgresStoreFixture fixture = new PostgresStoreFixture();
        fixture.startingAt(Instant.parse("2026-11-28T10:00:00Z"));
        return fixture;
    }

    private LedgerServices second() {
        return new LedgerServices(fixture.openSecond(), PriceTable.bundled(), fixture.clock());
    }

    @Test
    void twoProcessesReservingAtOnceNeverOvershootTheTeamLimit() throws Exception {
        long limit = 600_000L;
        LedgerServices first = fixture.services();
        first.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.to(limit), Change.keep(),
                Change.keep(), Change.keep()));
        List<LedgerServices> processes = List.of(first, second());
        int threads = 8;
        List<Long> agents = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            agents.add(first.settings().setAgent(Actor.local(), "racer-" + i, null,
                    new AgentSettings(Change.keep(), Change.keep())).id());
        }
        AtomicLong acknowledged = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                LedgerServices ledger = processes.get(t % 2);
                long agentId = agents.get(t);
                Callable<Integer> work = () -> {
                    go.await();
                    long session = ledger.sessions().start(Actor.local(), Ref.id(agentId), null, null).session().id();
                    int reports = 0;
                    for (int i = 0; i < 100; i++) {
                        HoldReceipt hold;
                        try {
                            hold = ledger.budgets().reserve(Actor.local(), Ref.id(agentId), null, null, 20_000L);
                        } catch (BudgetExceededException refused) {
                            if (refused.budget().teamDailyRemaining() == 0 && refused.budget().teamDailyHeld() == 0) {
                                break;
                            }
                            continue;
                        }
                        acknowledged.addAndGet(ledger.usage().report(Actor.local(), new UsageReport(session, TOKENS,
                                20_000L, null, null, hold.hold().id())).costMicros());
                        reports++;
                    }
                    return reports;
                };
                done.add(pool.submit(work));
            }
            go.countDown();
            for (Future<Integer> f : done) {
                f.get(3, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        Budget end = first.budgets().check(Actor.local(), Ref.id(agents.get(0)), null, null);
        assertThat(end.teamDailySpent()).as("no lost update").isEqualTo(acknowledged.get());
        assertThat(end.teamDailySpent()).as("the team never overshoots").isLessThanOrEqualTo(limit);
        assertThat(end.teamDailySpent()).as("and all of it was usable").isEqualTo(limit);
    }

    @Test
    void anotherProcessesWritesReachTheChangeStreamWithinASecond() throws Exception {
        LedgerServices mine = fixture.services();
        BlockingQueue<Long> seen = new LinkedBlockingQueue<>();
        mine.events().subscribe(e -> {
            if (e instanceof LedgerEvent.ExternalChange) {
                seen.add(System.nanoTime());
            }
        });
        mine.settings().setTeam(Actor.local(), Team.DEFAULT_NAME, new TeamSettings(Change.keep(), Change.keep(),
                Change.keep(), Change.keep()));
        long agent = mine.settings().setAgent(Actor.local(), "eng-1", null,
                new AgentSettings(Change.keep(), Change.keep())).id();
        AutoCloseable watcher = mine.watchOtherWriters(Duration.ofHours(1));
        try {
            LedgerServices theirs = second();
            assertThat(seen.poll(700, TimeUnit.MILLISECONDS)).as("opening a store is no news").isNull();
            long before = System.nanoTime();
            theirs.sessions().start(Actor.local(), Ref.id(agent), null, null);
            Long at = seen.poll(1, TimeUnit.SECONDS);
            assertThat(at).as("the other process's session, with polling an hour away").isNotNull();
            System.out.printf("change seen %d ms after the other process's write returned%n",
                    TimeUnit.NANOSECONDS.toMillis(at - before));
            mine.sessions().start(Actor.local(), Ref.id(agent), null, null);
            assertThat(seen.poll(700, TimeUnit.MILLISECONDS)).as("own writes are no news").isNull();
        } finally {
            watcher.close();
        }
    }

    @Test
    void aConnectionLostMidWriteIsNotAcknowledgedAndLeavesNothingHalfWritten() throws Exception {
        ManagedStore store = fixture.store();
        long teamsBefore = fixture.rows("teams");
        StorageUnavailableException e = catchThrowableOfType(StorageUnavailableException.class, () ->
                store.write(w -> {
                    w.insertTeam("half-1", Instant.EPOCH);
                    killIdleTransactions();
                    w.insertTeam("half-2", Instant.EPOCH);
                    return null;
                }));
        assertThat(e).as("the write is refused, not acknowledged").isNotNull();
        assertThat(e.getMessage()).contains("nothing was written").doesNotContain("terminat");
        assertThat(fixture.rows("teams")).isEqualTo(teamsBefore);
        store.write(w -> w.insertTeam("after", Instant.EPOCH));
        assertThat(fixture.rows("teams")).as("the pool recovers").isEqualTo(teamsBefore + 1);
    }

    @Test
    void aConnectionLostWithTheCommitOnItsWaySaysTheWriteMayHaveBeenSavedAndDoesNotRunItAgain() throws Exception {
        ManagedStore store = fixture.store();
        Team team = store.write(w -> w.insertTeam("lost", Instant.EPOCH));
        Session session = store.write(w -> w.insertSession(w.insertAgent("lost", team.id(), Instant.EPOCH), null,
                null, Instant.EPOCH));
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (Connection locker = DriverManager.getConnection(PostgresStoreFixture.url(fixture.dir()));
             Statement lock = locker.createStatement()) {
            locker.setAutoCommit(false);
            lock.execute("SELECT id FROM sessions WHERE id = " + session.id() + " FOR UPDATE");
            Future<Object> write = caller.submit(() -> store.write(w -> {
                w.addToSession(session.id(), TOKENS, 5);
                return null;
            }));
            terminateTheBackendWaitingForARowLock(lock);
            ExecutionException e = catchThrowableOfType(ExecutionException.class,
                    () -> write.get(30, TimeUnit.SECONDS));
            assertThat(e).as("the write is not acknowledged").isNotNull();
            assertThat(e.getCause()).isInstanceOf(StorageUnavailableException.class)
                    .hasMessageContaining("may or may not have been saved").hasMessageNotContaining("terminat");
            locker.rollback();
        } finally {
            caller.shutdownNow();
        }
        assertThat(fixture.cell("SELECT cost_micros FROM sessions WHERE id = " + session.id()))
                .as("the batch was not run again once the lock was gone").isEqualTo("0");
        store.write(w -> {
            w.addToSession(session.id(), TOKENS, 5);
            return null;
        });
        assertThat(fixture.cell("SELECT cost_micros FROM sessions WHERE id = " + session.id()))
                .as("the store recovers").isEqualTo("5");
    }

    /**
     * Waits until the writer's last statement (its writes and COMMIT) waits for the row {@code lock} holds, then ends
     * that backend as a failing network would.
     */
    private static void terminateTheBackendWaitingForARowLock(Statement lock) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (java.sql.ResultSet rs = lock.executeQuery("SELECT count(pg_terminate_backend(pid)) "
                    + "FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event <> 'advisory' "
                    + "AND pid <> pg_backend_pid() AND datname = current_database()")) {
                if (rs.next() && rs.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no backend waited for the row lock");
    }

    /** What a failing network does to a write transaction in flight: the server ends the session. */
    private void killIdleTransactions() {
        try (Connection c = DriverManager.getConnection(PostgresStoreFixture.url(fixture.dir()));
             Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE state = 'idle in transaction' AND pid <> pg_backend_pid()");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPasswordInTheUrlOrInPgpasswordNeverAppearsInErrorsOrLogs() {
        String secret = "s3cret-Pw-9f2";
        PrintStream err = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        List<Throwable> failures = new ArrayList<>();
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try {
            for (PostgresTarget target : List.of(
                    PostgresTarget.parse("postgresql://ops:" + secret + "@127.0.0.1:1/ledger", Map.of()),
                    PostgresTarget.parse("postgresql://ops@127.0.0.1:1/ledger", Map.of("PGPASSWORD", secret)),
                    PostgresTarget.parse("jdbc:postgresql://127.0.0.1:1/ledger?user=ops", Map.of("PGPASSWORD", secret)))) {
                assertThat(target.toString()).doesNotContain(secret);
                failures.add(catchThrowableOfType(StorageUnavailableException.class,
                        () -> PostgresLedgerStore.open(target, fixture.clock())));
            }
        } finally {
            System.setErr(err);
        }
        assertThat(failures).hasSize(3).doesNotContainNull();
        for (Throwable failure : failures) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
            }
            assertThat(failure.getMessage()).contains("postgresql://127.0.0.1:1/ledger");
        }
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("Storage failure").doesNotContain(secret);
    }
}
