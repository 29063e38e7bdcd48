package dev.entourage.ledger;

import java.util.function.Function;

/**
 * The persistence port. Implementations run {@code work} inside one transaction; a
 * {@link LedgerException} thrown by {@code work} undoes everything that work wrote. Storage failures
 * surface as {@link StorageUnavailableException}.
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

    @Override
    void close();
}
