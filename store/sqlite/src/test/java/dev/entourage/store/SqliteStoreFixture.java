package dev.entourage.store;

import dev.entourage.ledger.spi.ManagedStore;
import dev.entourage.ledger.testing.StoreFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;

/** The store fixture for SQLite: one {@code ledger.db} file in the test's directory. */
public final class SqliteStoreFixture extends StoreFixture {

    /** The ledger file in {@code dir}. */
    public static Path file(Path dir) {
        return dir.resolve("ledger.db");
    }

    /** This test's ledger file. */
    public Path file() {
        return file(dir());
    }

    @Override
    public ManagedStore open(Path dir, Clock clock) {
        return SqliteLedgerStore.open(file(dir), SqliteLedgerStore.DEFAULT_BUSY_TIMEOUT, clock);
    }

    @Override
    public Connection connect(Path dir) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file(dir).toAbsolutePath());
    }
}
