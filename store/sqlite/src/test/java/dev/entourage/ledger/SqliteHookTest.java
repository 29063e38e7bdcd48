package dev.entourage.ledger;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.SqliteStoreFixture;

class SqliteHookTest extends HookContract {
    @Override
    protected StoreFixture fixture() {
        return new SqliteStoreFixture();
    }
}
