package dev.entourage.ledger;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.SqliteStoreFixture;

class SqliteRollupReadsPropertyTest extends RollupReadsPropertyContract {
    @Override
    protected StoreFixture fixture() {
        return new SqliteStoreFixture();
    }
}
