package dev.entourage.http;

import dev.entourage.ledger.Actor;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.access.Principal;

/**
 * Who may call a route (SPEC §5), declared where the route is added to the {@link Router} and checked once before
 * its handler runs. It decides by role only (with the {@link Actor}'s own checks, which the services repeat inside
 * their transactions); what a caller may see inside its team (an agent key only its own agent's sessions and
 * holds) the services decide.
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
        Actor actor = p.actor();
        switch (this) {
            case WRITERS -> actor.mayWrite();
            case ADMIN -> actor.mayAdminister();
            case PEOPLE -> actor.mayReadTeam();
            default -> {
            }
        }
    }
}
