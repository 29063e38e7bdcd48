package dev.entourage.ledger;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.SqliteStoreFixture;

class SqliteMeteredCallsTest extends MeteredCallsContract {
    @Override
    protected StoreFixture fixture() {
        return new SqliteStoreFixture();
    }
}
