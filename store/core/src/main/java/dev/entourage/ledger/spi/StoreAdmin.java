package dev.entourage.ledger.spi;

import java.nio.file.Path;
import java.util.List;

/** What an operator does to a store besides the ledger's reads and writes: check it, copy it, describe it. */
public interface StoreAdmin {
    /** Where the ledger lives, for people: an absolute file path, or a database URL without credentials. */
    String location();

    /** The problems the database's own integrity check finds; empty when it is sound. */
    List<String> integrityCheck();

    /** A consistent online copy at {@code target} (never overwritten); returns its size in bytes. */
    long backup(Path target);

    /** Size, schema version and row counts of the open database. */
    StoreFacts facts();
}
