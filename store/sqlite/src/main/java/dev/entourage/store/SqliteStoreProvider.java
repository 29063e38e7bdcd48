package dev.entourage.store;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.spi.ManagedStore;
import dev.entourage.ledger.spi.StoreProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** The SQLite store for a {@code --db} that is a file path, {@code ~/…}, or a {@code jdbc:sqlite:} URL. */
public final class SqliteStoreProvider implements StoreProvider {
    @Override
    public boolean accepts(String db) {
        return db.startsWith("jdbc:sqlite:") || !(db.startsWith("jdbc:") || db.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*"));
    }

    @Override
    public boolean exists(String db) {
        return Files.exists(databaseFile(db));
    }

    @Override
    public ManagedStore open(String db, Clock clock) {
        return SqliteLedgerStore.open(databaseFile(db), SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock);
    }

    /** The database file that {@code db} (a path, {@code ~/...}, or a {@code jdbc:sqlite:} URL) names. */
    public static Path databaseFile(String db) {
        if (db.startsWith("jdbc:sqlite:")) {
            return Path.of(db.substring("jdbc:sqlite:".length()));
        }
        if (db.startsWith("jdbc:")) {
            throw LedgerException.invalid("db", "unsupported JDBC URL; use a SQLite file path");
        }
        return Path.of(db.startsWith("~/") ? System.getProperty("user.home") + db.substring(1) : db);
    }
}
