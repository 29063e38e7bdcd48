package dev.entourage.ledger;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.PostgresStoreFixture;

class PostgresHookTest extends HookContract {
    @Override
    protected StoreFixture fixture() {
        return new PostgresStoreFixture();
    }
}
