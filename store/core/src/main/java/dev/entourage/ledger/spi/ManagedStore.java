package dev.entourage.ledger.spi;

import dev.entourage.ledger.LedgerStore;

/** A store as the application opens it: the ledger's port and the operator's operations on one database. */
public interface ManagedStore extends LedgerStore, StoreAdmin {
}
