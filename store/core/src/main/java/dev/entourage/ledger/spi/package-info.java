/**
 * How the application finds and manages a store without knowing its database: a {@link
 * dev.entourage.ledger.spi.StoreProvider} per adapter (found by {@link java.util.ServiceLoader}, chosen by the
 * {@code --db} value), and the {@link dev.entourage.ledger.spi.StoreAdmin} operations (integrity check, online
 * backup, facts) that {@code entourage doctor} and {@code backup} use.
 */
package dev.entourage.ledger.spi;
