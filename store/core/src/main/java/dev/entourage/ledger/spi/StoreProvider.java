package dev.entourage.ledger.spi;

import java.time.Clock;

/**
 * One store adapter, registered in {@code META-INF/services/dev.entourage.ledger.spi.StoreProvider}. Providers are
 * light: loading one must not load its database driver; only {@link #open} does.
 */
public interface StoreProvider {
    /** Whether {@code db} (a {@code --db} value: a path, a {@code jdbc:} or {@code postgresql://} URL) is this store's. */
    boolean accepts(String db);

    /** Whether the ledger {@code db} names exists already. */
    boolean exists(String db);

    /** Opens (and migrates) the ledger {@code db} names, creating it when new. */
    ManagedStore open(String db, Clock clock);
}
