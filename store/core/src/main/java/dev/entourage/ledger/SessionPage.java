package dev.entourage.ledger;

import java.util.List;

/**
 * One page of a session list, newest first.
 *
 * @param nextCursor the cursor of the next (older) page, or null when this is the last
 */
public record SessionPage(List<Session> sessions, String nextCursor) {
    public SessionPage {
        sessions = List.copyOf(sessions);
    }
}
