package dev.entourage.ledger;

import dev.entourage.ledger.testing.StoreFixture;
import dev.entourage.store.PostgresStoreFixture;

class PostgresLedgerReportsTest extends LedgerReportsContract {
    @Override
    protected StoreFixture fixture() {
        return new PostgresStoreFixture();
    }
}
