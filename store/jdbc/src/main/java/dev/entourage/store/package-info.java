/**
 * Persistence of the ledger behind {@link dev.entourage.ledger.LedgerStore}: SQLite through Jdbi with
 * versioned migrations, one group-committing writer per process and a few read connections. SQL here is
 * kept portable (upserts with {@code ON CONFLICT}, {@code RETURNING}) so a PostgreSQL store can join
 * without touching the domain. Driver errors never leave this package with their text: they become
 * {@link dev.entourage.ledger.StorageUnavailableException}s.
 */
package dev.entourage.store;
