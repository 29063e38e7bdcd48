package dev.entourage.store;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.Budget;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.MutableClock;
import dev.entourage.ledger.NewTask;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.StorageUnavailableException;
import dev.entourage.ledger.Task;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReceipt;
import dev.entourage.ledger.UsageReport;
import dev.entourage.ledger.pricing.PriceTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link SqliteLedgerStore} on real files: group commit, several writers, rollback of one piece, WAL, damage. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteLedgerStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final TokenCounts TOKENS = new TokenCounts(1_000, 100, 0, 0, 0);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);

    private Path file() {
        return dir.resolve("ledger.db");
    }

    private SqliteLedgerStore open() {
        return SqliteLedgerStore.open(file(), SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock);
    }

    private LedgerServices service(SqliteLedgerStore store) {
        return new LedgerServices(store, PriceTable.bundled(), clock);
    }

    private Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file().toAbsolutePath());
    }

    private long queryLong(String sql) throws SQLException {
        try (Connection connection = jdbc();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getLong(1);
        }
    }

    private String queryString(String sql) throws SQLException {
        try (Connection connection = jdbc();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    private static Optional<Team> teamNamed(SqliteLedgerStore store, String name) {
        return store.read(r -> r.teamByName(name));
    }

    private static Optional<Agent> agentNamed(SqliteLedgerStore store, String name) {
        return store.read(r -> r.agentByName(name));
    }

    private static List<String> teamNames(SqliteLedgerStore store) {
        return store.read(r -> r.teams().stream().map(Team::name).toList());
    }

    /** Runs every task at once (released together) and returns their results in order. */
    private static <T> List<T> runTogether(List<Callable<T>> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(50, TimeUnit.SECONDS));
            }
            return results;
        } catch (ExecutionException e) {
            throw new AssertionError("a concurrent writer failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("a concurrent writer did not finish", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reports {@code count} reported costs into a new session; returns the costs' sum after checking answers. */
    private static Callable<Long> reporter(LedgerServices service, long agentId, Long taskId, int thread, int count) {
        return () -> {
            Session session = service.sessions().start(Actor.local(), Ref.id(agentId), taskId, "claude-sonnet-4-20250514").session();
            long sum = 0;
            long lastDaily = -1;
            for (int i = 0; i < count; i++) {
                long cost = 1_000L + thread * 10L + i % 7;
                UsageReceipt receipt = service.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, cost, null, null));
                sum += cost;
                assertThat(receipt.duplicate()).isFalse();
                assertThat(receipt.costMicros()).isEqualTo(cost);
                assertThat(receipt.session().totals().costMicros()).as("own session's running total").isEqualTo(sum);
                assertThat(receipt.budget().dailySpent()).as("daily spent seen by one writer only grows")
                        .isGreaterThan(lastDaily);
                lastDaily = receipt.budget().dailySpent();
            }
            return sum;
        };
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void manyConcurrentWritersInOneProcessAddUpExactly() throws Exception {
        int threads = 16;
        int reports = 200;
        try (SqliteLedgerStore store = open()) {
            LedgerServices service = service(store);
            service.settings().ensureDefaultTeam();
            Agent agent = service.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
            Task task = service.settings().createTask(Actor.local(), Ref.parse(Team.DEFAULT_NAME), new NewTask("Shared", null, null, List.of(), null));

            List<Callable<Long>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                writers.add(reporter(service, agent.id(), task.id(), t, reports));
            }
            long expected = runTogether(writers).stream().mapToLong(Long::longValue).sum();

            Budget budget = service.budgets().check(Actor.local(), Ref.id(agent.id()), task.id(), null);
            assertThat(budget.dailySpent()).isEqualTo(expected);
            assertThat(budget.teamDailySpent()).isEqualTo(expected);
            assertThat(budget.taskSpent()).isEqualTo(expected);
            assertThat(queryLong("SELECT COUNT(*) FROM usage_events")).isEqualTo((long) threads * reports);
            assertThat(queryLong("SELECT SUM(cost_micros) FROM usage_events")).isEqualTo(expected);
            assertThat(queryLong("SELECT SUM(cost_micros) FROM sessions")).isEqualTo(expected);
            assertThat(queryLong("SELECT SUM(input_tokens) FROM sessions")).isEqualTo(1_000L * threads * reports);
        }
    }

    @Test
    void twoStoresOnOneFileWritingConcurrentlyLoseNoReport() throws Exception {
        int threadsPerStore = 4;
        int reports = 100;
        try (SqliteLedgerStore first = open(); SqliteLedgerStore second = open()) {
            LedgerServices one = service(first);
            LedgerServices two = service(second);
            one.settings().ensureDefaultTeam();
            Agent agent = one.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
            assertThat(two.settings().agent(Actor.local(), Ref.parse("eng-1"))).as("the second store sees the first one's commits").isEqualTo(agent);

            List<Callable<Long>> writers = new ArrayList<>();
            for (int t = 0; t < 2 * threadsPerStore; t++) {
                writers.add(reporter(t % 2 == 0 ? one : two, agent.id(), null, t, reports));
            }
            long expected = runTogether(writers).stream().mapToLong(Long::longValue).sum();

            assertThat(one.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).dailySpent()).isEqualTo(expected);
            assertThat(two.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).dailySpent()).isEqualTo(expected);
            assertThat(two.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).teamDailySpent()).isEqualTo(expected);
            assertThat(queryLong("SELECT COUNT(*) FROM usage_events")).isEqualTo(2L * threadsPerStore * reports);
            assertThat(queryLong("SELECT SUM(cost_micros) FROM usage_events")).isEqualTo(expected);
        }
    }

    @Test
    void sameEventIdFromTwoStoresIsCountedOnce() throws Exception {
        try (SqliteLedgerStore first = open(); SqliteLedgerStore second = open()) {
            LedgerServices one = service(first);
            LedgerServices two = service(second);
            one.settings().ensureDefaultTeam();
            Agent agent = one.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
            Session session = one.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();
            List<Callable<UsageReceipt>> retries = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                LedgerServices service = i % 2 == 0 ? one : two;
                retries.add(() -> service.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, 7_000L, null, "evt-x")));
            }
            List<UsageReceipt> receipts = runTogether(retries);
            assertThat(receipts).filteredOn(r -> !r.duplicate()).hasSize(1);
            assertThat(receipts).allSatisfy(r -> assertThat(r.costMicros()).isEqualTo(7_000L));
            assertThat(one.sessions().get(Actor.local(), session.id()).totals().costMicros()).isEqualTo(7_000L);
            assertThat(queryLong("SELECT COUNT(*) FROM usage_events")).isEqualTo(1L);
        }
    }

    // ---------------------------------------------------------------- rollback of one piece

    @Test
    void ledgerExceptionThrownByWorkReachesTheCallerAndUndoesOnlyThatWork() throws Exception {
        try (SqliteLedgerStore store = open()) {
            LedgerException thrown = new LedgerException(ErrorCode.CONFLICT, "beta is not wanted");
            LedgerException caught = catchThrowableOfType(LedgerException.class, () -> store.write(w -> {
                w.insertTeam("beta", NOW);
                throw thrown;
            }));
            assertThat(caught).as("the work's own exception, not a storage failure").isSameAs(thrown);

            Team alpha = store.write(w -> w.insertTeam("alpha", NOW));
            assertThat(teamNamed(store, "alpha")).contains(alpha);
            assertThat(teamNamed(store, "beta")).isEmpty();
            assertThat(queryLong("SELECT COUNT(*) FROM teams WHERE name = 'beta'")).isZero();
        }
    }

    @Test
    void failingPieceInABatchRollsBackOnlyItsOwnWritesWhileOthersCommit() throws Exception {
        try (SqliteLedgerStore store = open()) {
            CountDownLatch blockerRunning = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                // Holds the writer so that the next three pieces queue up and run as one batch.
                Future<Team> blocker = pool.submit(() -> store.write(w -> {
                    blockerRunning.countDown();
                    awaitQuietly(release);
                    return w.insertTeam("blocker", NOW);
                }));
                assertThat(blockerRunning.await(10, TimeUnit.SECONDS)).isTrue();

                Future<Team> alpha = submitAndWaitUntilQueued(pool,
                        () -> store.write(w -> w.insertTeam("alpha", NOW)));
                LedgerException conflict = new LedgerException(ErrorCode.CONFLICT, "beta is not wanted");
                Future<Team> beta = submitAndWaitUntilQueued(pool, () -> store.write(w -> {
                    w.insertTeam("beta", NOW);
                    w.insertAgent("beta-agent", w.teamByName("beta").orElseThrow().id(), NOW);
                    throw conflict;
                }));
                AtomicBoolean gammaSawAlpha = new AtomicBoolean();
                AtomicBoolean gammaSawBeta = new AtomicBoolean();
                Future<Team> gamma = submitAndWaitUntilQueued(pool, () -> store.write(w -> {
                    gammaSawAlpha.set(w.teamByName("alpha").isPresent());
                    gammaSawBeta.set(w.teamByName("beta").isPresent());
                    return w.insertTeam("gamma", NOW);
                }));
                release.countDown();

                assertThat(blocker.get(10, TimeUnit.SECONDS).name()).isEqualTo("blocker");
                assertThat(alpha.get(10, TimeUnit.SECONDS).name()).isEqualTo("alpha");
                assertThat(gamma.get(10, TimeUnit.SECONDS).name()).isEqualTo("gamma");
                ExecutionException failed = catchThrowableOfType(ExecutionException.class,
                        () -> beta.get(10, TimeUnit.SECONDS));
                assertThat(failed).isNotNull();
                assertThat(failed.getCause()).as("the failing piece gets its own exception").isSameAs(conflict);
                assertThat(gammaSawAlpha).as("a piece sees the pieces before it in its batch").isTrue();
                assertThat(gammaSawBeta).as("a piece does not see a failed piece's writes").isFalse();
            } finally {
                release.countDown();
                pool.shutdownNow();
            }

            assertThat(teamNames(store))
                    .containsExactlyInAnyOrder("blocker", "alpha", "gamma");
            assertThat(agentNamed(store, "beta-agent")).isEmpty();
        }
        assertThat(queryLong("SELECT COUNT(*) FROM teams")).isEqualTo(3L);
        assertThat(queryLong("SELECT COUNT(*) FROM agents")).isZero();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("blocker was never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Submits a write and returns once its caller is parked waiting for the commit, i.e. it is queued. */
    private static Future<Team> submitAndWaitUntilQueued(ExecutorService pool, Callable<Team> write)
            throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Thread[] caller = new Thread[1];
        Future<Team> future = pool.submit(() -> {
            caller[0] = Thread.currentThread();
            started.countDown();
            return write.call();
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (caller[0].getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(caller[0].getState()).as("caller parked on its queued write").isEqualTo(Thread.State.WAITING);
        return future;
    }

    @Test
    void storeKeepsWorkingAfterAFailedPiece() throws Exception {
        try (SqliteLedgerStore store = open()) {
            for (int i = 0; i < 3; i++) {
                int round = i;
                LedgerException e = catchThrowableOfType(LedgerException.class, () -> store.write(w -> {
                    w.insertTeam("failing-" + round, NOW);
                    throw new LedgerException(ErrorCode.INVALID_REQUEST, "no");
                }));
                assertThat(e).isNotNull();
                assertThat(store.write(w -> w.insertTeam("ok-" + round, NOW)).name()).isEqualTo("ok-" + round);
            }
            assertThat(teamNames(store))
                    .containsExactly("ok-0", "ok-1", "ok-2");
        }
    }

    @Test
    void nonLedgerExceptionFromWorkBecomesStorageUnavailableWithoutInternalText() throws Exception {
        try (SqliteLedgerStore store = open()) {
            StorageUnavailableException e = catchThrowableOfType(StorageUnavailableException.class,
                    () -> store.write(w -> {
                        w.insertTeam("dupe", NOW);
                        return w.insertTeam("dupe", NOW); // violates UNIQUE (name)
                    }));
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
            assertNoSqlText(e.getMessage());
            assertThat(teamNamed(store, "dupe")).isEmpty();
            assertThat(store.write(w -> w.insertTeam("after", NOW)).name()).isEqualTo("after");
        }
        assertThat(queryLong("SELECT COUNT(*) FROM teams")).isEqualTo(1L);
    }

    // ---------------------------------------------------------------- busy storage

    @Test
    void busyPastTimeoutFailsClosedThenTheNextWriteIsAtomicAndAcknowledged() throws Exception {
        try (SqliteLedgerStore store = SqliteLedgerStore.open(file(), Duration.ofMillis(100), clock)) {
            store.write(w -> w.insertTeam("before", NOW));
            try (Connection other = jdbc(); Statement statement = other.createStatement()) {
                statement.execute("BEGIN IMMEDIATE"); // another process holds the write lock
                StorageUnavailableException busy = catchThrowableOfType(StorageUnavailableException.class,
                        () -> store.write(w -> w.insertTeam("during", NOW)));
                assertThat(busy).as("a write busy past its timeout fails as unavailable").isNotNull();
                assertThat(busy.getMessage()).contains("busy");
                assertNoSqlText(busy.getMessage());
                statement.execute("COMMIT");
            }

            // Storage is free again: the service must recover, and say "written" exactly when it wrote.
            Team after = null;
            StorageUnavailableException failed = null;
            try {
                after = store.write(w -> w.insertTeam("after", NOW));
            } catch (StorageUnavailableException e) {
                failed = e;
            }
            boolean afterIsStored = queryLong("SELECT COUNT(*) FROM teams WHERE name = 'after'") == 1;
            assertThat(afterIsStored).as("a write reported as failed (%s) must not be stored", failed)
                    .isEqualTo(failed == null);
            assertThat(failed).as("the store recovers once the lock is released").isNull();
            assertThat(after).isNotNull();

            // And a failing piece after the busy spell still writes nothing.
            catchThrowableOfType(LedgerException.class, () -> store.write(w -> {
                w.insertTeam("undone", NOW);
                throw new LedgerException(ErrorCode.CONFLICT, "no");
            }));
            assertThat(queryLong("SELECT COUNT(*) FROM teams WHERE name = 'undone'")).isZero();
            assertThat(queryLong("SELECT COUNT(*) FROM teams WHERE name = 'during'")).isZero();
        }
    }

    // ---------------------------------------------------------------- file, WAL, migrations

    @Test
    void opensTheDatabaseInWalModeAndKeepsDataAcrossReopen() throws Exception {
        Team created;
        try (SqliteLedgerStore store = open()) {
            assertThat(store.file()).isEqualTo(file());
            assertThat(queryString("PRAGMA journal_mode")).isEqualToIgnoringCase("wal");
            created = store.write(w -> w.insertTeam("kept", NOW));
        }
        try (SqliteLedgerStore store = open()) {
            assertThat(queryString("PRAGMA journal_mode")).isEqualToIgnoringCase("wal");
            assertThat(teamNamed(store, "kept")).contains(created);
        }
    }

    @Test
    void createsMissingParentDirectories() {
        Path nested = dir.resolve("a/b/c/ledger.db");
        try (SqliteLedgerStore store = SqliteLedgerStore.open(nested, SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock)) {
            assertThat(store.write(w -> w.insertTeam("x", NOW)).name()).isEqualTo("x");
        }
        assertThat(nested).exists();
    }

    @Test
    void appliesSchemaMigrationOnceAcrossOpens() throws Exception {
        try (SqliteLedgerStore store = open()) {
            store.write(w -> w.insertTeam("before", NOW));
        }
        clock.set(NOW.plusSeconds(3600));
        try (SqliteLedgerStore store = open()) {
            assertThat(teamNamed(store, "before")).isPresent();
        }
        assertThat(queryLong("SELECT COUNT(*) FROM schema_migrations")).isEqualTo((long) Migrations.count());
        assertThat(queryLong("SELECT MAX(version) FROM schema_migrations")).isEqualTo((long) Migrations.count());
        assertThat(queryLong("SELECT MAX(applied_at) FROM schema_migrations")).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void storesOpenedTogetherOnANewFileMigrateItOnce() throws Exception {
        List<Callable<SqliteLedgerStore>> openers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            openers.add(this::open);
        }
        List<SqliteLedgerStore> stores = runTogether(openers);
        try {
            for (int i = 0; i < stores.size(); i++) {
                int n = i;
                stores.get(i).write(w -> w.insertTeam("team-" + n, NOW));
            }
            assertThat(teamNames(stores.get(0)).size()).isEqualTo(4);
        } finally {
            stores.forEach(SqliteLedgerStore::close);
        }
        assertThat(queryLong("SELECT COUNT(*) FROM schema_migrations")).isEqualTo((long) Migrations.count());
    }

    // ---------------------------------------------------------------- damage

    @Test
    void refusesAFileOfGarbageAsUnavailableWithoutSqlText() throws Exception {
        byte[] garbage = new byte[16 * 1024];
        new Random(42).nextBytes(garbage);
        Files.write(file(), garbage);

        StorageUnavailableException e = catchThrowableOfType(StorageUnavailableException.class, this::open);
        assertThat(e).as("opening garbage must fail as storage unavailable").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        assertNoSqlText(e.getMessage());
        assertThat(Files.readAllBytes(file())).as("nothing is written to a damaged file").isEqualTo(garbage);
    }

    @Test
    void refusesATextFileAsUnavailableWithoutSqlText() throws Exception {
        Files.writeString(file(), "this is not a database\n".repeat(500), StandardCharsets.UTF_8);
        StorageUnavailableException e = catchThrowableOfType(StorageUnavailableException.class, this::open);
        assertThat(e).isNotNull();
        assertNoSqlText(e.getMessage());
    }

    @Test
    void refusesADatabaseWithDamagedPagesAsUnavailable() throws Exception {
        try (SqliteLedgerStore store = open()) {
            for (int i = 0; i < 200; i++) {
                int n = i;
                store.write(w -> w.insertTeam("team-with-a-long-name-to-fill-pages-" + n, NOW));
            }
        }
        long size = Files.size(file());
        assertThat(size).isGreaterThan(4 * 4096L);
        byte[] bytes = Files.readAllBytes(file());
        Random random = new Random(7);
        for (int i = 4096; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt();
        }
        Files.write(file(), bytes);

        StorageUnavailableException e = catchThrowableOfType(StorageUnavailableException.class, this::open);
        assertThat(e).as("a damaged database must fail to open as storage unavailable").isNotNull();
        assertNoSqlText(e.getMessage());
    }

    private static void assertNoSqlText(String message) {
        assertThat(message).isNotBlank();
        for (String sql : List.of("SELECT", "INSERT", "UPDATE ", "CREATE", "PRAGMA", "SQLITE_", "[SQLITE", "WHERE",
                "constraint", "Exception")) {
            assertThat(message).as("message must not carry SQL or driver text: " + message)
                    .doesNotContainIgnoringCase(sql);
        }
    }

    @Test
    void writeAfterCloseIsRefusedAsUnavailable() {
        SqliteLedgerStore store = open();
        store.close();
        StorageUnavailableException e = catchThrowableOfType(StorageUnavailableException.class,
                () -> store.write(w -> w.insertTeam("late", NOW)));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
    }
}
