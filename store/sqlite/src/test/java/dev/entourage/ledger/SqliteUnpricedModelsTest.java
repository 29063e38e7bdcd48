package dev.entourage.ledger;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.SqliteStoreFixture;

class SqliteUnpricedModelsTest extends UnpricedModelsContract {
    @Override
    protected StoreFixture fixture() {
        return new SqliteStoreFixture();
    }
}
