package dev.entourage.store;

import dev.entourage.ledger.spi.ManagedStore;
import dev.entourage.ledger.spi.StoreProvider;
import java.time.Clock;

/**
 * The PostgreSQL store for a {@code --db} that is a {@code postgresql://}, {@code postgres://} or
 * {@code jdbc:postgresql:} URL. Light: neither the driver nor the pool is loaded until {@link #open}.
 */
public final class PostgresStoreProvider implements StoreProvider {
    @Override
    public boolean accepts(String db) {
        return PostgresTarget.names(db);
    }

    /**
     * Whether the database holds a ledger (its {@code schema_migrations} table). A server that cannot be reached
     * counts as holding one, so that opening it reports why it cannot be reached rather than "no ledger".
     */
    @Override
    public boolean exists(String db) {
        return PostgresLedgerStore.holdsLedger(PostgresTarget.parse(db, System.getenv()));
    }

    @Override
    public ManagedStore open(String db, Clock clock) {
        return PostgresLedgerStore.open(PostgresTarget.parse(db, System.getenv()), clock);
    }
}
