package dev.entourage.ledger;

import java.util.List;
import java.util.Objects;

/**
 * One page of a session's usage events, newest first, with the session itself.
 *
 * @param events     at most the page size, newest first
 * @param nextBefore the {@code before} that reads the next (older) page, or null when this is the last one
 */
public record SessionUsage(Session session, List<UsageEntry> events, Long nextBefore) {
    /** The most events one page holds. */
    public static final int MAX_LIMIT = 1000;

    public SessionUsage {
        Objects.requireNonNull(session, "session");
        events = List.copyOf(events);
    }
}
