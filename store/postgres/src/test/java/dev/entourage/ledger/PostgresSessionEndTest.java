package dev.entourage.ledger;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.PostgresStoreFixture;

class PostgresSessionEndTest extends SessionEndContract {
    @Override
    protected StoreFixture fixture() {
        return new PostgresStoreFixture();
    }
}
