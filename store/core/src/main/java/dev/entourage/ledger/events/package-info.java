/**
 * What the ledger tells listeners after it committed: the {@link dev.entourage.ledger.events.LedgerEvent}s, the
 * in-process bus that carries them ({@link dev.entourage.ledger.events.LedgerEvents}), and the
 * {@link dev.entourage.ledger.events.ChangeWatcher}, a polling thread that notices writes of other processes on the
 * same database from a {@link dev.entourage.ledger.events.ChangeMarker} and publishes an
 * {@link dev.entourage.ledger.events.LedgerEvent.ExternalChange} for them. Kept apart from
 * {@code dev.entourage.ledger} because it holds threads and listeners; like the domain it imports no
 * infrastructure library but slf4j.
 */
package dev.entourage.ledger.events;
