package dev.entourage.app;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerService;
import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.store.SqliteLedgerStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/** An open ledger: its store, the ledger and access services over it. Closing it closes the store. */
public final class Ledger implements AutoCloseable {
    private final SqliteLedgerStore store;
    private final LedgerService service;
    private final Clock clock;
    private AccessService access;

    private Ledger(SqliteLedgerStore store, LedgerService service, Clock clock) {
        this.store = store;
        this.service = service;
        this.clock = clock;
    }

    /**
     * Opens the ledger at {@code db} (a file path, or a {@code jdbc:sqlite:} URL), with the bundled price table
     * or {@code prices}, and makes sure the {@code default} team exists.
     */
    public static Ledger open(String db, Path prices, Clock clock) {
        Objects.requireNonNull(db, "db");
        PriceTable table = prices == null ? PriceTable.bundled() : PriceTable.load(prices);
        SqliteLedgerStore store = SqliteLedgerStore.open(databaseFile(db), SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT,
                clock);
        LedgerService service = new LedgerService(store, table, clock);
        try {
            service.ensureDefaultTeam();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return new Ledger(store, service, clock);
    }

    /** The database file that {@code db} (a path, {@code ~/...}, or a {@code jdbc:sqlite:} URL) names. */
    public static Path databaseFile(String db) {
        if (db.startsWith("jdbc:postgresql:")) {
            throw LedgerException.invalid("db", "PostgreSQL is not supported yet; use a SQLite file path");
        }
        if (db.startsWith("jdbc:sqlite:")) {
            return Path.of(db.substring("jdbc:sqlite:".length()));
        }
        if (db.startsWith("jdbc:")) {
            throw LedgerException.invalid("db", "unsupported JDBC URL; use a SQLite file path");
        }
        return Path.of(db.startsWith("~/") ? System.getProperty("user.home") + db.substring(1) : db);
    }

    public LedgerService service() {
        return service;
    }

    /** API keys, people and the token secret, over the same store; one per open ledger, made on first use. */
    public synchronized AccessService access() {
        if (access == null) {
            access = new AccessService(store, clock);
        }
        return access;
    }

    public Path file() {
        return store.file();
    }

    /** The problems SQLite's full integrity check finds; empty when the database is sound. */
    public List<String> integrityCheck() {
        return store.integrityCheck();
    }

    /** A consistent online copy of the database at {@code target} (never overwritten); returns its size. */
    public long backup(Path target) {
        return store.backup(target);
    }

    /** File, sizes, schema version, journal mode and row counts of the open database. */
    public SqliteLedgerStore.Facts facts() {
        return store.facts();
    }

    @Override
    public void close() {
        store.close();
    }
}
