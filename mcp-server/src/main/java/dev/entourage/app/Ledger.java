package dev.entourage.app;

import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.access.AccessService;
import dev.entourage.ledger.pricing.PriceTable;
import dev.entourage.ledger.spi.ManagedStore;
import dev.entourage.ledger.spi.StoreAdmin;
import dev.entourage.ledger.spi.StoreProviders;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/** An open ledger: its store, the use-case and access services over it. Closing it closes the store. */
public final class Ledger implements AutoCloseable {
    private final ManagedStore store;
    private final LedgerServices services;
    private final Clock clock;
    private AccessService access;

    private Ledger(ManagedStore store, LedgerServices services, Clock clock) {
        this.store = store;
        this.services = services;
        this.clock = clock;
    }

    /**
     * Opens the ledger {@code db} names (a SQLite file path or {@code jdbc:sqlite:} URL; the store is chosen by
     * {@link StoreProviders}), with the bundled price table or {@code prices}, and makes sure the {@code default}
     * team exists.
     */
    public static Ledger open(String db, Path prices, Clock clock) {
        Objects.requireNonNull(db, "db");
        PriceTable table = prices == null ? PriceTable.bundled() : PriceTable.layered(prices);
        ManagedStore store = StoreProviders.forDb(db).open(db, clock);
        LedgerServices services = new LedgerServices(store, table, prices, clock, LedgerServices.DEFAULT_HOLD_TTL);
        try {
            services.settings().ensureDefaultTeam();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return new Ledger(store, services, clock);
    }

    /** Whether the ledger {@code db} names exists already. */
    public static boolean exists(String db) {
        return StoreProviders.forDb(db).exists(db);
    }

    public LedgerServices services() {
        return services;
    }

    /** API keys, people and the token secret, over the same store; one per open ledger, made on first use. */
    public synchronized AccessService access() {
        if (access == null) {
            access = new AccessService(store, clock, services.events());
        }
        return access;
    }

    /** Integrity check, online backup and facts of the open database. */
    public StoreAdmin admin() {
        return store;
    }

    @Override
    public void close() {
        store.close();
    }
}
