package dev.entourage.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * One scope that trips the budget, or that would trip if an estimate were reserved.
 *
 * @param limitMicros    null for {@link Scope#PAUSED} and {@link Scope#KILLED}
 * @param spentMicros    what was spent (recorded) on the scope
 * @param heldMicros     what unexpired holds reserve on the scope; counts as spent
 * @param estimateMicros the estimate that would not fit, for a refused reservation; else null
 * @param resetsAt       when a daily scope starts afresh; null for scopes that never reset
 */
public record Violation(Scope scope, Long limitMicros, long spentMicros, long heldMicros, Long estimateMicros,
                        Instant resetsAt) {
    public Violation {
        Objects.requireNonNull(scope, "scope");
    }

    public Violation(Scope scope, Long limitMicros, long spentMicros, Instant resetsAt) {
        this(scope, limitMicros, spentMicros, 0, null, resetsAt);
    }

    /** What remains on the scope after spend and holds, never below 0; null without a limit. */
    public Long remainingMicros() {
        return limitMicros == null ? null : Math.max(0, limitMicros - spentMicros - heldMicros);
    }
}
