package dev.entourage.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * One scope that trips the budget.
 *
 * @param limitMicros null for {@link Scope#PAUSED} and {@link Scope#KILLED}
 * @param resetsAt    when a daily scope starts afresh; null for scopes that never reset
 */
public record Violation(Scope scope, Long limitMicros, long spentMicros, Instant resetsAt) {
    public Violation {
        Objects.requireNonNull(scope, "scope");
    }
}
