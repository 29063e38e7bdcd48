package dev.entourage.ledger;

import java.util.Objects;

/** A session just started, with the budget that let it start. */
public record SessionStart(Session session, Budget budget) {
    public SessionStart {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(budget, "budget");
    }
}
