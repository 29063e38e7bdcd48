package dev.entourage.ledger.access;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.PostgresStoreFixture;

class PostgresAccessServiceTest extends AccessServiceContract {
    @Override
    protected StoreFixture fixture() {
        return new PostgresStoreFixture();
    }
}
