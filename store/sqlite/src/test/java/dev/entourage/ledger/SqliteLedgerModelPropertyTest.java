package dev.entourage.ledger;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.SqliteStoreFixture;

class SqliteLedgerModelPropertyTest extends LedgerModelPropertyContract {
    @Override
    protected StoreFixture fixture() {
        return new SqliteStoreFixture();
    }
}
