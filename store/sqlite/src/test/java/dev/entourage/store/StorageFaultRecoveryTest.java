package dev.entourage.store;

import dev.entourage.ledger.spi.StoreFacts;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.MutableClock;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.StorageUnavailableException;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.UsageReport;
import dev.entourage.ledger.pricing.PriceTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage faults at the store: a damaged file at start-up is refused with a way out, a full database fails
 * closed without half-written rows and recovers by itself, and the integrity check and online backup work
 * while writers run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StorageFaultRecoveryTest {
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final TokenCounts TOKENS = new TokenCounts(1_000, 100, 0, 0, 0);
    private static final String MODEL = "claude-sonnet-4-20250514";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);

    private Path file() {
        return dir.resolve("ledger.db");
    }

    private SqliteLedgerStore open(Path path) {
        return SqliteLedgerStore.open(path, SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock);
    }

    private LedgerServices service(SqliteLedgerStore store) {
        LedgerServices service = new LedgerServices(store, PriceTable.bundled(), clock);
        service.settings().ensureDefaultTeam();
        return service;
    }

    private static long queryLong(Path path, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getLong(1);
        }
    }

    private static void execute(Path path, String... sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath());
             Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }

    private static void assertExplainsRecoveryWithoutSql(String message) {
        assertThat(message).contains("damaged").contains("backup").contains("move it aside");
        for (String sql : List.of("SELECT", "INSERT", "UPDATE ", "CREATE", "PRAGMA", "SQLITE_", "[SQLITE", "WHERE",
                "constraint", "Exception")) {
            assertThat(message).as("message must not carry SQL or driver text: " + message)
                    .doesNotContainIgnoringCase(sql);
        }
    }

    // ---------------------------------------------------------------- damaged at start-up

    @Test
    void aFileOfGarbageIsRefusedWithAWayToRecover() throws Exception {
        byte[] garbage = new byte[32 * 1024];
        new Random(11).nextBytes(garbage);
        Files.write(file(), garbage);

        StorageUnavailableException e = catchThrowableOfType(StorageUnavailableException.class, () -> open(file()));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        assertExplainsRecoveryWithoutSql(e.getMessage());
        assertThat(Files.readAllBytes(file())).as("nothing is written to a damaged file").isEqualTo(garbage);
    }

    @Test
    void aLedgerWithDamagedPagesIsRefusedWithAWayToRecover() throws Exception {
        try (SqliteLedgerStore store = open(file())) {
            LedgerServices service = service(store);
            Agent agent = service.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
            Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, MODEL).session();
            for (int i = 0; i < 300; i++) {
                service.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, 1_000L, null, "event-" + i));
            }
        }
        byte[] bytes = Files.readAllBytes(file());
        assertThat(bytes.length).isGreaterThan(8 * 4096);
        Random random = new Random(3);
        for (int i = 2 * 4096; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt();
        }
        Files.write(file(), bytes);

        StorageUnavailableException e = catchThrowableOfType(StorageUnavailableException.class, () -> open(file()));

        assertThat(e).isNotNull();
        assertExplainsRecoveryWithoutSql(e.getMessage());
        assertThat(Files.readAllBytes(file())).as("nothing is written to a damaged file").isEqualTo(bytes);
    }

    // ---------------------------------------------------------------- full

    private record Snapshot(long sessionCost, long sessionInput, long usageRows, long counterSum, long sessions) {
    }

    private Snapshot snapshot(long sessionId) throws SQLException {
        return new Snapshot(
                queryLong(file(), "SELECT cost_micros FROM sessions WHERE id = " + sessionId),
                queryLong(file(), "SELECT input_tokens FROM sessions WHERE id = " + sessionId),
                queryLong(file(), "SELECT COUNT(*) FROM usage_events"),
                queryLong(file(), "SELECT COALESCE(SUM(spent_micros), 0) FROM spend_counters"),
                queryLong(file(), "SELECT COUNT(*) FROM sessions"));
    }

    @Test
    void aFullDatabaseFailsClosedWritesNothingHalfwayAndRecoversWhenThereIsRoomAgain() throws Exception {
        try (SqliteLedgerStore store = open(file())) {
            LedgerServices service = service(store);
            Agent agent = service.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
            Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, MODEL).session();
            long pages = queryLong(file(), "PRAGMA page_count");
            store.pragmaOnWriter("max_page_count = " + pages);

            // Reports go on while they fit into the pages there are; the first that needs a new page must fail
            // closed, leaving totals, counters and rows exactly as they were.
            long acknowledged = 0;
            StorageUnavailableException full = null;
            for (int i = 0; i < 5_000 && full == null; i++) {
                Snapshot before = snapshot(session.id());
                try {
                    service.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, 1_000L, null, "fill-" + i));
                    acknowledged += 1_000L;
                } catch (StorageUnavailableException e) {
                    full = e;
                    assertThat(snapshot(session.id())).as("nothing half written").isEqualTo(before);
                }
            }
            assertThat(full).as("a report into a full database fails").isNotNull();
            assertThat(full.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
            // SQLite rolls the whole transaction back on SQLITE_FULL, so the writer's "undo" of the failed piece
            // is what reports the failure; the message may not say "full", but it must say nothing was written.
            assertThat(full.getMessage()).contains("nothing was written");
            assertThat(queryLong(file(), "SELECT cost_micros FROM sessions WHERE id = " + session.id()))
                    .isEqualTo(acknowledged);

            StorageUnavailableException noSession = null;
            for (int i = 0; i < 5_000 && noSession == null; i++) {
                Snapshot before = snapshot(session.id());
                try {
                    service.sessions().start(Actor.local(), Ref.id(agent.id()), null, MODEL);
                } catch (StorageUnavailableException e) {
                    noSession = e;
                    assertThat(snapshot(session.id())).as("nothing half written").isEqualTo(before);
                }
            }
            assertThat(noSession).as("starting a session in a full database fails").isNotNull();
            assertThat(noSession.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
            String failedEvent = "after-full";
            Snapshot stuck = snapshot(session.id());
            StorageUnavailableException again = catchThrowableOfType(StorageUnavailableException.class,
                    () -> service.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, 1_000L, null, failedEvent)));
            assertThat(again).as("still full").isNotNull();
            assertThat(snapshot(session.id())).isEqualTo(stuck);

            // Room again: the same store recovers by itself, and the retried event counts once.
            store.pragmaOnWriter("max_page_count = 1073741823");
            var receipt = service.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, 1_000L, null, failedEvent));
            assertThat(receipt.duplicate()).isFalse();
            assertThat(service.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, 1_000L, null, failedEvent))
                    .duplicate()).isTrue();
            acknowledged += 1_000L;
            assertThat(service.sessions().start(Actor.local(), Ref.id(agent.id()), null, MODEL).session().id()).isPositive();
            assertThat(service.sessions().get(Actor.local(), session.id()).totals().costMicros()).isEqualTo(acknowledged);
            assertThat(service.budgets().check(Actor.local(), Ref.id(agent.id()), null, null).dailySpent()).isEqualTo(acknowledged);
            assertThat(store.integrityCheck()).isEmpty();
        }
    }

    // ---------------------------------------------------------------- integrity check and backup

    @Test
    void integrityCheckAndBackupRunWhileWritersWriteAndTheCopyIsAValidLedger() throws Exception {
        try (SqliteLedgerStore store = open(file())) {
            LedgerServices service = service(store);
            Agent agent = service.settings().setAgent(Actor.local(), "eng-1", null, AgentSettings.none());
            Session session = service.sessions().start(Actor.local(), Ref.id(agent.id()), null, MODEL).session();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<?>> writers = new ArrayList<>();
            try {
                for (int t = 0; t < 2; t++) {
                    int thread = t;
                    writers.add(pool.submit(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            service.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, 1_000L, null,
                                    "w" + thread + "-" + i));
                            written.incrementAndGet();
                        }
                        return null;
                    }));
                }
                while (written.get() < 200) {
                    Thread.sleep(5);
                }
                for (int i = 0; i < 3; i++) {
                    assertThat(store.integrityCheck()).isEmpty();
                }
                long before = written.get();
                Path copy = dir.resolve("backups/nested/copy-" + 1 + ".db");
                long size = store.backup(copy);
                long after = written.get();
                assertThat(size).isPositive().isEqualTo(Files.size(copy));

                LedgerException exists = catchThrowableOfType(LedgerException.class, () -> store.backup(copy));
                assertThat(exists.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                assertThat(exists.details()).containsEntry("field", "FILE");
                assertThat(Files.size(copy)).as("an existing file is left alone").isEqualTo(size);

                long copied = queryLong(copy, "SELECT COUNT(*) FROM usage_events");
                assertThat(copied).isBetween(before, after + 2);
                assertThat(queryLong(copy, "SELECT cost_micros FROM sessions WHERE id = " + session.id()))
                        .as("the copy is one consistent snapshot").isEqualTo(copied * 1_000L);
                try (SqliteLedgerStore restored = open(copy)) {
                    assertThat(restored.integrityCheck()).isEmpty();
                    assertThat(restored.facts().usageEvents()).isEqualTo(copied);
                    assertThat(restored.facts().schemaVersion())
                            .isEqualTo(queryLong(file(), "SELECT MAX(version) FROM schema_migrations"));
                    LedgerServices onCopy = new LedgerServices(restored, PriceTable.bundled(), clock);
                    assertThat(onCopy.settings().team(Actor.local(), Ref.parse(Team.DEFAULT_NAME)).name()).isEqualTo(Team.DEFAULT_NAME);
                    onCopy.usage().report(Actor.local(), new UsageReport(session.id(), TOKENS, 1_000L, null, "on-the-copy"));
                }
            } finally {
                stop.set(true);
                for (Future<?> writer : writers) {
                    writer.get(10, TimeUnit.SECONDS);
                }
                pool.shutdownNow();
            }
            StoreFacts facts = store.facts();
            assertThat(facts.journalMode()).isEqualToIgnoringCase("wal");
            assertThat(facts.usageEvents()).isEqualTo(written.get());
            assertThat(facts.sessions()).isEqualTo(1);
            assertThat(facts.sizeBytes()).isPositive();
        }
    }

    @Test
    void integrityCheckReportsWhatQuickCheckMisses() throws Exception {
        try (SqliteLedgerStore store = open(file())) {
            service(store);
        }
        breakAnIndex(file());
        try (SqliteLedgerStore store = open(file())) {
            assertThat(store.integrityCheck()).isNotEmpty()
                    .allSatisfy(problem -> assertThat(problem).contains("doctor_probe_a"));
        }
    }

    /** Makes an index disagree with its table: quick_check passes, the full integrity check does not. */
    static void breakAnIndex(Path path) throws SQLException {
        execute(path, "CREATE TABLE doctor_probe (a INTEGER)", "CREATE INDEX doctor_probe_a ON doctor_probe (a)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
                        + "INSERT INTO doctor_probe SELECT i FROM n");
        execute(path, "PRAGMA writable_schema = ON",
                "UPDATE sqlite_master SET sql = 'CREATE INDEX doctor_probe_a ON doctor_probe (a DESC)' "
                        + "WHERE name = 'doctor_probe_a'");
    }
}
