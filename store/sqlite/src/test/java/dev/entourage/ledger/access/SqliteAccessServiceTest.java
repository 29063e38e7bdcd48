package dev.entourage.ledger.access;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.SqliteStoreFixture;

class SqliteAccessServiceTest extends AccessServiceContract {
    @Override
    protected StoreFixture fixture() {
        return new SqliteStoreFixture();
    }
}
