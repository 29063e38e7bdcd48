package dev.entourage.ledger;

import java.util.Optional;
import java.util.function.Function;

/**
 * The persistence port. What a store must guarantee, so that a second store can implement it without guessing:
 *
 * <ul>
 *   <li>{@link #write} runs {@code work} as one atomic unit: all its writes commit together or none does. A
 *       {@link LedgerException} (or any exception) thrown by {@code work} undoes everything that work wrote.</li>
 *   <li>Write units are serialised against every other write unit that touches the same team, across threads and
 *       across processes sharing the database: a budget read inside {@code work} sees every write committed before
 *       it, and nothing commits in between its read and its write. This is what keeps concurrent agents from all
 *       passing a check that only one of them could.</li>
 *   <li>A store may run {@code work} more than once (a retry after a serialisation failure or a busy database, or
 *       a group commit that had to be replayed). {@code work} must therefore have no effects outside the
 *       {@link LedgerWriter} it is given; the services publish events and log only after {@code write} returns.</li>
 *   <li>{@code write} returns only after the commit holding its writes is durable: an answer given to a caller
 *       after it returns is never lost by a crash.</li>
 *   <li>{@link #read} sees one consistent, committed state and never blocks on or waits for writers longer than
 *       the store's busy timeout.</li>
 *   <li>Storage failures (busy past the timeout, disk full, unreachable) surface as
 *       {@link StorageUnavailableException}; nothing half-written stays.</li>
 * </ul>
 */
public interface LedgerStore extends AutoCloseable {

    /** Runs {@code work} in a read transaction that sees one consistent, committed state. */
    <T> T read(Function<LedgerReader, T> work);

    /**
     * Runs {@code work} in a write transaction and returns only after the commit that holds its writes is
     * durable. Work sees every write committed or queued before it, so decisions made inside it are atomic
     * with the writes.
     */
    <T> T write(Function<LedgerWriter, T> work);

    /**
     * Like {@link #write}, for a write that may be dropped, such as a key's advisory {@code last_used_at}: when
     * another process holds the write lock, the store may give up after a short wait rather than its busy
     * timeout (failing with {@link StorageUnavailableException}), so that the write never holds up others.
     * By default the same as {@link #write}.
     */
    default <T> T writeUnlessBusy(Function<LedgerWriter, T> work) {
        return write(work);
    }

    /**
     * Like {@link #write}, for a write that nobody waits on to be on the disk and whose loss in a power cut (not in a
     * crash of the process) within a moment of its commit is acceptable: a gateway call's in-flight record, and its
     * charge once the answer has reached the client. The store may commit it without waiting for the disk (SQLite:
     * {@code synchronous=NORMAL} for that transaction, the log synced by another thread within 200 ms). By default
     * the same as {@link #write}.
     */
    default <T> T writeUnflushed(Function<LedgerWriter, T> work) {
        return write(work);
    }

    /**
     * Calls {@code listener} (on a thread of the store's) soon after another process sharing the database commits a
     * write, never for this store's own writes, where the database can tell (PostgreSQL's {@code LISTEN}); closing
     * the answer stops it. Empty for a store that cannot tell: watchers poll it instead.
     */
    default Optional<AutoCloseable> watchCommits(Runnable listener) {
        return Optional.empty();
    }

    @Override
    void close();
}
