package dev.entourage.cli.install;

import dev.entourage.ledger.Budget;
import dev.entourage.ledger.Money;
import dev.entourage.ledger.ScopeBudget;
import dev.entourage.ledger.Violation;
import java.util.stream.Collectors;

/** A budget as {@code entourage run} tells it: why it stops, and what is left for {@code --max-budget-usd}. */
final class BudgetText {
    private BudgetText() {
    }

    /** Why the budget says stop, e.g. {@code agent_daily limit $0.05 reached ($0.09 spent; resets …)}. */
    static String reason(Budget budget) {
        return budget.violations().stream().map(BudgetText::reason).collect(Collectors.joining("; "));
    }

    private static String reason(Violation violation) {
        String scope = violation.scope().wireName();
        if (violation.limitMicros() == null) {
            return "the " + (scope.equals("killed") ? "session was killed" : "agent or its team is paused");
        }
        return scope + " limit $" + Money.format(violation.limitMicros()) + " reached ($"
                + Money.format(violation.spentMicros() + violation.heldMicros()) + " spent or held"
                + (violation.resetsAt() == null ? ")" : "; resets " + violation.resetsAt() + ")");
    }

    /** The least any limited scope has left, in micro-dollars; null when no limit applies. */
    static Long left(Budget budget) {
        Long least = null;
        for (ScopeBudget scope : budget.scopes()) {
            Long remaining = scope.applies() ? scope.remainingMicros() : null;
            if (remaining != null && (least == null || remaining < least)) {
                least = remaining;
            }
        }
        return least;
    }

    /** Micro-dollars as dollars with the cents rounded down ({@code 1234567} → {@code 1.23}). */
    static String dollarsDown(long micros) {
        long cents = micros / 10_000;
        return cents / 100 + "." + String.format("%02d", cents % 100);
    }
}
