package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.store.SqliteLedgerStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage busy past the timeout (SPEC §7, issue 4 "fail closed"): another connection with its own SQLite handle
 * (as another process would) holds the write lock longer than the store's 300 ms busy timeout.
 *
 * <p>What happens, in WAL mode: {@code BEGIN EXCLUSIVE} takes the write lock only; WAL readers are not blocked and
 * read the last committed snapshot. So {@code startSession}, {@code reportUsage} and {@code reserve} (writes) fail
 * with {@code storage_unavailable} within about the timeout and write nothing, while {@code checkBudget} (a read)
 * still answers, correctly (the locker committed nothing): not fail-closed, but correct. A holder with
 * {@code PRAGMA locking_mode=EXCLUSIVE} keeps the file to itself; it cannot take it while a store has it open (the
 * store's WAL connections hold it shared; tried, the holder gets SQLITE_BUSY), but a store opening meanwhile is
 * refused with {@code storage_unavailable}. When the lock goes, everything works again by itself.
 */
class StorageBusyTest {
    private static final Duration BUSY = Duration.ofMillis(300);
    private static final TokenCounts TOKENS = new TokenCounts(100, 10, 0, 0, 0);

    @TempDir
    Path dir;

    private SqliteLedgerStore store;
    private LedgerServices service;
    private Path db;
    private Agent agent;
    private Session session;

    @BeforeEach
    void open() {
        db = dir.resolve("ledger.db");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
        store = SqliteLedgerStore.open(db, BUSY, clock);
        service = new LedgerServices(store, PriceTable.bundled(), clock);
        service.settings().ensureDefaultTeam();
        agent = service.settings().setAgent(Actor.local(), "eng-1", null, new AgentSettings(Change.to(5_000_000L), Change.keep()));
        session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session();
        service.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, 100_000L, null, "before"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void writesFailClosedWhileAnotherConnectionHoldsTheWriteLockAndReadsStayCorrect() throws Exception {
        Budget before = service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null);
        try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            exec(locker, "BEGIN EXCLUSIVE");

            assertBusy(() -> service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null));
            assertBusy(() -> service.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, 50_000L, null, "during")));
            assertBusy(() -> service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 10_000L));
            // WAL: the exclusive write lock does not block readers; the answer is the committed state, unchanged
            assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null)).isEqualTo(before);

            exec(locker, "ROLLBACK");
        }
        assertNothingHalfWritten();
        assertRecovers(before);
    }

    @Test
    void aStoreOpeningWhileAnotherProcessKeepsTheFileExclusivelyFailsClosed() throws Exception {
        Budget before = service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null);
        store.close(); // idle read connections would keep their shared WAL state; start from closed handles
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
        try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            exec(locker, "PRAGMA locking_mode=EXCLUSIVE");
            exec(locker, "BEGIN EXCLUSIVE");
            exec(locker, "UPDATE teams SET name = name");
            exec(locker, "COMMIT"); // in exclusive locking mode the lock is kept after the commit

            long start = System.nanoTime();
            StorageUnavailableException refused = catchThrowableOfType(StorageUnavailableException.class,
                    () -> SqliteLedgerStore.open(db, BUSY, clock));
            assertThat(refused).as("a store cannot open a file another process keeps to itself").isNotNull();
            assertThat(refused.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
            assertThat(refused.getMessage()).contains("busy");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BUSY.plusSeconds(3));
        } // closing the connection releases the lock
        store = SqliteLedgerStore.open(db, BUSY, clock);
        service = new LedgerServices(store, PriceTable.bundled(), clock);
        assertNothingHalfWritten();
        assertRecovers(before);
    }

    @Test
    void anUpToDateLedgerOpensWithoutWritingWhileAnotherConnectionHoldsTheWriteLock() throws Exception {
        Budget before = service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null);
        store.close();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
        try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            exec(locker, "BEGIN IMMEDIATE");

            store = SqliteLedgerStore.open(db, BUSY, clock);
            service = new LedgerServices(store, PriceTable.bundled(), clock);

            assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null)).isEqualTo(before);
            assertThat(service.settings().findAgent(Actor.local(), "eng-1")).map(Agent::id).hasValue(agent.id());
            exec(locker, "ROLLBACK");
        }
        assertRecovers(before);
    }

    private static void assertBusy(Supplier<?> call) {
        long start = System.nanoTime();
        LedgerException e = catchThrowableOfType(LedgerException.class, call::get);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(e).as("must fail closed").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        assertThat(e.getMessage()).contains("busy").contains("nothing was written");
        assertThat(took).as("fails within about the busy timeout").isLessThan(BUSY.plusSeconds(3));
    }

    private void assertNothingHalfWritten() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            assertThat(count(c, "SELECT COUNT(*) FROM sessions")).isEqualTo(1);
            assertThat(count(c, "SELECT COUNT(*) FROM usage_events")).isEqualTo(1);
            assertThat(count(c, "SELECT COUNT(*) FROM budget_holds")).isZero();
            assertThat(count(c, "SELECT COALESCE(SUM(spent_micros), 0) FROM spend_counters "
                    + "WHERE scope = 'team_daily'")).isEqualTo(100_000L);
        }
    }

    private void assertRecovers(Budget before) {
        assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null)).isEqualTo(before);
        UsageReceipt receipt = service.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, 50_000L, null, "during"));
        assertThat(receipt.duplicate()).isFalse();
        assertThat(receipt.budget().dailySpent()).isEqualTo(150_000L);
        assertThat(service.sessions().start(Actor.local(), Ref.id(agent.id()), null, null).session().isActive()).isTrue();
        assertThat(service.budgets().reserve(Actor.local(), Ref.id(agent.id()), null, null, 10_000L).budget().dailyHeld()).isEqualTo(10_000L);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
