package dev.entourage.ledger.testing;

import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.MutableClock;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.spi.ManagedStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real store for one test, as a JUnit 5 extension: before each test a fresh temporary directory and a
 * {@link MutableClock} at the {@linkplain #startingAt start instant}; on first use a store of the subclass's kind
 * ({@link #open}) and {@link LedgerServices} over it; after each test every store it opened is closed and the
 * directory deleted. Register it on an instance field:
 *
 * <pre>{@code
 * @RegisterExtension
 * final StoreFixture fixture = fixture().startingAt(START);
 * }</pre>
 *
 * <p>Not thread-safe to set up; one instance serves one test at a time.
 */
public abstract class StoreFixture implements BeforeEachCallback, AfterEachCallback {
    /** Saturday 2026-11-28, 10:00 UTC: where the clock starts unless told otherwise. */
    public static final Instant DEFAULT_START = Instant.parse("2026-11-28T10:00:00Z");

    private Instant start = DEFAULT_START;
    private Duration holdTtl = LedgerServices.DEFAULT_HOLD_TTL;
    private Path dir;
    private MutableClock clock;
    private ManagedStore store;
    private LedgerServices services;
    private final List<ManagedStore> others = new ArrayList<>();

    /**
     * Opens (creating and migrating it when new) a store of this kind on the database that belongs to
     * {@code dir}. Called by the fixture, and by property tests that open a store per try themselves, so it must
     * work without the JUnit callbacks. Each call opens a new store; several may be open on one database at once,
     * as separate processes sharing it would be.
     */
    public abstract ManagedStore open(Path dir, Clock clock);

    /** A plain JDBC connection to the database that belongs to {@code dir}, for tests that look at stored rows. */
    public abstract Connection connect(Path dir) throws SQLException;

    /**
     * Called after every store on {@code dir}'s database is closed, before the directory is deleted: drops what
     * lives outside the directory (a server-side database). Does nothing by default.
     */
    public void dispose(Path dir) {
    }

    /** Where the clock starts before each test. */
    public final StoreFixture startingAt(Instant instant) {
        this.start = Objects.requireNonNull(instant, "instant");
        return this;
    }

    /** The hold TTL of {@link #services()}; {@link LedgerServices#DEFAULT_HOLD_TTL} unless told otherwise. */
    public final StoreFixture holdTtl(Duration ttl) {
        this.holdTtl = Objects.requireNonNull(ttl, "ttl");
        return this;
    }

    @Override
    public final void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("entourage-store-");
        clock = new MutableClock(start);
    }

    @Override
    public final void afterEach(ExtensionContext context) {
        if (dir == null) {
            return;
        }
        try {
            closeAll();
            dispose(dir);
        } finally {
            deleteTree(dir);
            dir = null;
            clock = null;
        }
    }

    /** This test's directory (the database lives in or beside it). */
    public final Path dir() {
        if (dir == null) {
            throw new IllegalStateException("StoreFixture is used outside a test: register it with @RegisterExtension");
        }
        return dir;
    }

    /** The test's clock, at the start instant before each test; what the store and the services read. */
    public final MutableClock clock() {
        dir();
        return clock;
    }

    /** The test's store, opened on first use (and again after {@link #reopen}). */
    public final ManagedStore store() {
        if (store == null) {
            store = open(dir(), clock());
        }
        return store;
    }

    /** The services over {@link #store()}, {@link #clock()} and the bundled prices. */
    public final LedgerServices services() {
        if (services == null) {
            services = services(holdTtl);
        }
        return services;
    }

    /** New services over {@link #store()} with another hold TTL; {@link #services()} stays as it is. */
    public final LedgerServices services(Duration ttl) {
        return new LedgerServices(store(), PriceTable.bundled(), clock(), ttl);
    }

    /** Closes the store and opens a new one (and new services) on the same database, as a restarted process. */
    public final void reopen() {
        closeStore();
        store();
    }

    /** Closes the store; the next {@link #store()} or {@link #services()} opens it again. */
    public final void closeStore() {
        if (store != null) {
            ManagedStore closing = store;
            store = null;
            services = null;
            closing.close();
        }
    }

    /** Another store on the same database, on {@link #clock()}: what a second process sees. Closed after the test. */
    public final ManagedStore openSecond() {
        return openSecond(clock());
    }

    /** Another store on the same database with its own clock. Closed after the test. */
    public final ManagedStore openSecond(Clock otherClock) {
        ManagedStore other = open(dir(), otherClock);
        others.add(other);
        return other;
    }

    /** How many rows {@code table} holds, read past the store. */
    public final long rows(String table) {
        String value = cell("SELECT COUNT(*) FROM " + table);
        return Long.parseLong(Objects.requireNonNull(value, table));
    }

    /** The first column of the first row {@code sql} answers, as text; {@code null} when it answers no row. */
    public final String cell(String sql) {
        try (Connection c = connect(dir()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new AssertionError("cannot run " + sql, e);
        }
    }

    /** Every cell of every table as {@code table.column=value}, read past the store. */
    public final List<String> everyCell() {
        List<String> cells = new ArrayList<>();
        try (Connection c = connect(dir()); Statement s = c.createStatement()) {
            for (String table : tables(c.getMetaData())) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            cells.add(table + "." + rs.getMetaData().getColumnName(i) + "=" + rs.getString(i));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("cannot read every cell", e);
        }
        return cells;
    }

    private static List<String> tables(DatabaseMetaData meta) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = meta.getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
            }
        }
        return tables;
    }

    private void closeAll() {
        RuntimeException failure = null;
        List<ManagedStore> closing = new ArrayList<>(others);
        others.clear();
        for (ManagedStore other : closing) {
            try {
                other.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        try {
            closeStore();
        } catch (RuntimeException e) {
            failure = e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Deletes {@code dir} and everything under it. */
    public static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
