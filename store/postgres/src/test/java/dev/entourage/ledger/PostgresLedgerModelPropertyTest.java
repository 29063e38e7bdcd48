package dev.entourage.ledger;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.PostgresStoreFixture;

class PostgresLedgerModelPropertyTest extends LedgerModelPropertyContract {
    @Override
    protected StoreFixture fixture() {
        return new PostgresStoreFixture();
    }
}
