package dev.entourage.http;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.access.Role;

/**
 * Who may call a route (SPEC §5), declared where the route is added to the {@link Router} and checked once before
 * its handler runs. It decides by role only; what a caller may see inside its team (an agent key only its own
 * agent's sessions and holds) is {@link Guard}'s.
 */
enum Access {
    /** Anyone, without credentials: {@code POST /auth/login}. */
    PUBLIC,
    /** Any credential: admin, viewer or agent key. */
    AUTHENTICATED,
    /** Admins and agent keys: the call writes. */
    WRITERS,
    /** Admins and viewers: team-wide reports and key lists are for people. */
    PEOPLE,
    /** Admins only: settings, tasks, keys and kills. */
    ADMIN;

    /**
     * Refuses {@code p} unless this admits it.
     *
     * @param p the caller, null when it sent no credentials
     * @throws LedgerException {@code unauthenticated} without credentials (but for {@link #PUBLIC}),
     *                         {@code forbidden} naming what the call needs when the role does not suffice
     */
    void check(Principal p) {
        if (this == PUBLIC) {
            return;
        }
        if (p == null) {
            throw new LedgerException(ErrorCode.UNAUTHENTICATED, "Credentials are missing.");
        }
        Role role = p.role();
        switch (this) {
            case WRITERS -> {
                if (role == Role.VIEWER) {
                    throw Guard.forbidden("a viewer may only read; this needs an admin or agent key");
                }
            }
            case ADMIN -> {
                if (role == Role.AGENT) {
                    throw Guard.forbidden("an agent key cannot change limits, pause state, tasks, keys or kill "
                            + "sessions; this needs an admin");
                }
                if (role == Role.VIEWER) {
                    throw Guard.forbidden("a viewer may only read; this needs an admin");
                }
            }
            case PEOPLE -> {
                if (role == Role.AGENT) {
                    throw Guard.forbidden("an agent key sees only its own agent; this needs an admin or viewer");
                }
            }
            default -> {
            }
        }
    }
}
