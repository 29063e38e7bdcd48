/**
 * The application: {@code main}, and the wiring from a database location and a price table to an open
 * {@link dev.entourage.app.Ledger} (store → service) that commands and transports share.
 */
package dev.entourage.app;
