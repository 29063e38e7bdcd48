package dev.entourage.ledger;

import java.util.Objects;

/**
 * One usage event of a session as a person reads it (the dashboard's drill-down): the stored event and its row id.
 *
 * @param id the event's row id: ever growing, the cursor of {@link SessionUsage#nextBefore()}
 */
public record UsageEntry(long id, StoredUsage usage) {
    public UsageEntry {
        Objects.requireNonNull(usage, "usage");
    }
}
