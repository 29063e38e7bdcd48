/**
 * Access to the ledger: roles, API keys, people and the token secret. Plain Java like the rest of the
 * domain (JDK crypto only); persistence goes through the same {@link dev.entourage.ledger.LedgerStore}.
 */
package dev.entourage.ledger.access;
