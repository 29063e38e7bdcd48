package dev.entourage.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * Where one limited scope stands: its limit, what was spent and what holds reserve in its current window.
 *
 * @param limitMicros null for no limit
 * @param spentMicros null when the scope does not apply (no task, no session)
 * @param heldMicros  null when the scope does not apply
 * @param resetsAt    when the window starts afresh; null for scopes that never reset
 */
public record ScopeBudget(Scope scope, Long limitMicros, Long spentMicros, Long heldMicros, Instant resetsAt) {
    public ScopeBudget {
        Objects.requireNonNull(scope, "scope");
        if (!scope.limited()) {
            throw new IllegalArgumentException(scope + " has no limit");
        }
    }

    public boolean applies() {
        return spentMicros != null;
    }

    /** What remains after spend and holds, never below 0; null without a limit or when the scope does not apply. */
    public Long remainingMicros() {
        if (limitMicros == null || spentMicros == null) {
            return null;
        }
        return Math.max(0, limitMicros - spentMicros - (heldMicros == null ? 0 : heldMicros));
    }
}
