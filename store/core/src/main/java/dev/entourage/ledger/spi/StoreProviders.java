package dev.entourage.ledger.spi;

import dev.entourage.ledger.LedgerException;
import java.util.ServiceLoader;

/** Picks the store adapter for a {@code --db} value from the providers on the class path. */
public final class StoreProviders {
    private StoreProviders() {
    }

    /**
     * The provider that accepts {@code db}.
     *
     * @throws LedgerException {@code invalid_request} on {@code db} when no store on the class path accepts it
     */
    public static StoreProvider forDb(String db) {
        for (StoreProvider provider : ServiceLoader.load(StoreProvider.class)) {
            if (provider.accepts(db)) {
                return provider;
            }
        }
        String kind = db.startsWith("jdbc:postgresql:") || db.startsWith("postgresql:") || db.startsWith("postgres:")
                ? "PostgreSQL needs the entourage-store-postgres module on the class path"
                : "use a SQLite file path or a PostgreSQL URL (postgresql://user@host:5432/database)";
        throw LedgerException.invalid("db", "no store for this --db value: " + kind);
    }
}
