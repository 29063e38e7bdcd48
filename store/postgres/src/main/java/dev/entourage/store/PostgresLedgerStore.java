package dev.entourage.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerReader;
import dev.entourage.ledger.LedgerWriter;
import dev.entourage.ledger.StorageUnavailableException;
import dev.entourage.ledger.spi.ManagedStore;
import dev.entourage.ledger.spi.StoreFacts;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The ledger in one PostgreSQL database that several processes (bridges, sidecars, on several machines) share,
 * through a HikariCP pool. Writes go through one {@link PostgresGroupCommitWriter} per process: the writes queued
 * together share one READ COMMITTED transaction (a savepoint per write only after one failed) that first takes one
 * transaction-scoped advisory lock, so write units are serialised across every process as SQLite's
 * {@code BEGIN IMMEDIATE} serialises them on one file: a budget read inside a write sees every write committed
 * before it and nothing commits between its read and its write. A batch that fails with a serialisation failure or a deadlock ({@code 40001},
 * {@code 40P01}) runs again, at most {@link #MAX_ATTEMPTS} times. Each batch also sends a notice on the
 * {@value PostgresChangeNotices#CHANNEL} channel, delivered to listeners when it commits. Reads run in a
 * REPEATABLE READ, READ ONLY transaction on a pool of their own ({@link PostgresReads}): one snapshot, never waiting
 * on writers.
 */
public final class PostgresLedgerStore implements ManagedStore {
    /** How many times a write unit runs before a serialisation failure or deadlock is reported. */
    static final int MAX_ATTEMPTS = 5;
    /** The advisory lock every write unit holds until it commits. */
    static final long WRITE_LOCK = 4242002L;
    private static final int POOL_SIZE = 4;
    private static final int READ_POOL_SIZE = 10;

    private final PostgresTarget target;
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final StorageFaults faults;
    private final PostgresChangeNotices notices;
    private final PostgresGroupCommitWriter writer;
    private final PostgresReads reads;
    /** This store's name in its notices, so that it is not woken by its own writes (it publishes those itself). */
    private final String origin = UUID.randomUUID().toString();

    private PostgresLedgerStore(PostgresTarget target, HikariDataSource pool, PostgresReads reads,
                                StorageFaults faults) {
        this.target = target;
        this.pool = pool;
        this.reads = reads;
        this.jdbi = Jdbi.create(pool);
        this.faults = faults;
        this.notices = new PostgresChangeNotices(target, origin);
        this.writer = new PostgresGroupCommitWriter(jdbi, faults, WRITE_LOCK, PostgresChangeNotices.CHANNEL, origin);
    }

    /**
     * Connects to {@code target}'s database and brings its schema up to date.
     *
     * @throws StorageUnavailableException when the server cannot be reached, refuses the login, or the schema cannot
     *                                     be migrated; its message never holds the password
     */
    public static PostgresLedgerStore open(PostgresTarget target, Clock clock) {
        StorageFaults faults = new StorageFaults(target.location());
        HikariDataSource pool;
        HikariConfig config = config(target);
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw faults.unavailable("connect to " + target.location(), e);
        }
        try (Handle handle = Jdbi.create(pool).open()) {
            Migrations.apply(handle, Dialect.POSTGRES, clock);
        } catch (RuntimeException e) {
            pool.close();
            throw faults.unavailable("migrate " + target.location(), e);
        }
        try {
            return new PostgresLedgerStore(target, pool, new PostgresReads(config, READ_POOL_SIZE), faults);
        } catch (RuntimeException e) {
            pool.close();
            throw faults.unavailable("connect to " + target.location(), e);
        }
    }

    /** Whether {@code target}'s schema holds a ledger; true when the server cannot be asked (see the provider). */
    static boolean holdsLedger(PostgresTarget target) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(target.jdbcUrl(), target.login())) {
            return Jdbi.create(() -> c).withHandle(h -> Dialect.POSTGRES.hasTable(h, "schema_migrations"));
        } catch (SQLException | RuntimeException e) {
            return true;
        }
    }

    private static HikariConfig config(PostgresTarget target) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("entourage-postgres");
        config.setJdbcUrl(target.jdbcUrl());
        if (target.user() != null) {
            config.setUsername(target.user());
        }
        if (target.password() != null) {
            config.setPassword(target.password());
        }
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setAutoCommit(true);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        return config;
    }

    @Override
    public String location() {
        return target.location();
    }

    @Override
    public <T> T read(Function<LedgerReader, T> work) {
        try {
            return reads.read(work::apply);
        } catch (LedgerException e) {
            throw e;
        } catch (RuntimeException | SQLException e) {
            throw faults.unavailable("read", e);
        }
    }

    @Override
    public <T> T write(Function<LedgerWriter, T> work) {
        return writer.submit(work::apply);
    }

    /** Test hook: how many writes wait for this store's writer. */
    int queuedWrites() {
        return writer.queued();
    }

    /** Test hook: how many of the writer's batches ran again with a savepoint per piece after a piece failed. */
    int splitBatches() {
        return writer.splitBatches();
    }

    /** Whether the database refused the unit for a reason that running it again can cure. */
    /**
     * Whether {@code e} cost the connection (SQLSTATE class 08, or the server shutting it down, 57P): what the
     * server made of the last statement sent is unknown, so it must not be run again.
     */
    static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if ("40001".equals(state) || "40P01".equals(state)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Calls {@code listener} on its own thread soon after another store (another process) commits a write. */
    @Override
    public Optional<AutoCloseable> watchCommits(Runnable listener) {
        return Optional.of(notices.subscribe(listener));
    }

    /** The schema's own bookkeeping: every version applied, none missing. */
    @Override
    public List<String> integrityCheck() {
        try (Handle handle = jdbi.open()) {
            List<Integer> versions = handle.createQuery("SELECT version FROM schema_migrations ORDER BY version")
                    .mapTo(Integer.class).list();
            List<String> problems = new ArrayList<>();
            for (int v = 1; v <= Migrations.count(); v++) {
                if (!versions.contains(v)) {
                    problems.add("schema version " + v + " is not applied");
                }
            }
            return problems;
        } catch (RuntimeException e) {
            throw faults.unavailable("check the schema", e);
        }
    }

    /**
     * @throws LedgerException {@code invalid_request} on {@code FILE}: a server's database is copied with its own
     *                         tools ({@code pg_dump}), which also copy what this process cannot see
     */
    @Override
    public long backup(Path target) {
        throw LedgerException.invalid("FILE", "a PostgreSQL ledger is backed up with pg_dump (for example "
                + "pg_dump --format=custom --file=entourage.dump DATABASE), not entourage backup");
    }

    @Override
    public StoreFacts facts() {
        try (Handle handle = jdbi.open()) {
            Integer version = handle.createQuery("SELECT MAX(version) FROM schema_migrations")
                    .mapTo(Integer.class).one();
            long size = handle.createQuery("SELECT pg_database_size(current_database())").mapTo(Long.class).one();
            long sessions = handle.createQuery("SELECT COUNT(*) FROM sessions").mapTo(Long.class).one();
            long usage = handle.createQuery("SELECT COUNT(*) FROM usage_events").mapTo(Long.class).one();
            return new StoreFacts(location(), size, 0, version == null ? 0 : version, "postgresql", sessions, usage);
        } catch (RuntimeException e) {
            throw faults.unavailable("read database facts", e);
        }
    }

    @Override
    public void close() {
        writer.close();
        notices.close();
        reads.close();
        pool.close();
    }
}
