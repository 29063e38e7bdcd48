/**
 * Test support every store adapter shares: {@link dev.entourage.ledger.testing.StoreFixture}, a JUnit 5 extension
 * that gives a test a real store, a {@link dev.entourage.ledger.MutableClock} and the
 * {@link dev.entourage.ledger.LedgerServices} over them.
 *
 * <p>The contract suite is the abstract {@code *Contract} classes beside the services they test
 * ({@code dev.entourage.ledger.LedgerServiceContract}, {@code BudgetHoldsContract}, {@code BudgetScopesContract},
 * {@code AlertsAndRunawayContract}, {@code LedgerEventsContract}, {@code LedgerReportsContract},
 * {@code LedgerModelPropertyContract}, {@code dev.entourage.ledger.access.AccessServiceContract}). Each asks its
 * subclass for one thing, {@code protected abstract StoreFixture fixture()}; all but the jqwik property extend
 * {@link dev.entourage.ledger.testing.StoreContract}, which registers that fixture as an extension (jqwik runs no
 * JUnit extensions, so the property opens a store per try with the fixture's {@code open} itself).
 *
 * <p><b>Running the suite against a new store</b> (PostgreSQL, say): in the adapter's test sources write one
 * fixture, {@code PostgresStoreFixture extends StoreFixture}, whose {@code open(dir, clock)} opens the adapter's
 * store on the database that belongs to {@code dir} (e.g. a database per directory on one embedded server started
 * once per JVM), whose {@code connect(dir)} answers a plain JDBC connection to that database, and whose
 * {@code dispose(dir)} drops it; then one subclass per contract, in the contract's package, e.g.
 * {@code class PostgresLedgerServiceTest extends LedgerServiceContract} whose {@code fixture()} returns
 * {@code new PostgresStoreFixture()}. Surefire runs the subclasses ({@code *Test}); the abstract classes here run
 * nowhere by themselves. Tests about one database's mechanics (files, pragmas, locks) stay plain tests in the
 * adapter's module.
 */
package dev.entourage.ledger.testing;
