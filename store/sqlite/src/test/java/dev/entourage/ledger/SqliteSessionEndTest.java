package dev.entourage.ledger;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.SqliteStoreFixture;

class SqliteSessionEndTest extends SessionEndContract {
    @Override
    protected StoreFixture fixture() {
        return new SqliteStoreFixture();
    }
}
