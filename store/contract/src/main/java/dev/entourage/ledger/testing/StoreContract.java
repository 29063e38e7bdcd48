package dev.entourage.ledger.testing;

import java.time.Instant;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The root of the contract classes that run on a {@link StoreFixture}: it registers the fixture a store's test
 * subclass gives in {@link #fixture()}, with its clock at the contract's start instant.
 */
public abstract class StoreContract {
    @RegisterExtension
    protected final StoreFixture fixture;

    protected StoreContract(Instant start) {
        fixture = fixture().startingAt(start);
    }

    /** A new fixture of the store under test; called once per test instance, before any of its fields are set. */
    protected abstract StoreFixture fixture();
}
