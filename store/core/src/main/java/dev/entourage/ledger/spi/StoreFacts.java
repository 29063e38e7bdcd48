package dev.entourage.ledger.spi;

import java.util.Objects;

/**
 * A few facts about an open store, for {@code entourage doctor}.
 *
 * @param walBytes    bytes of a write-ahead log beside the database, 0 where there is none
 * @param journalMode how the database journals writes ({@code wal} for SQLite)
 */
public record StoreFacts(String location, long sizeBytes, long walBytes, int schemaVersion, String journalMode,
                         long sessions, long usageEvents) {
    public StoreFacts {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(journalMode, "journalMode");
    }
}
