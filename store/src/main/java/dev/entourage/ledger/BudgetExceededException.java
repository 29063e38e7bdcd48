package dev.entourage.ledger;

import java.util.Map;
import java.util.Objects;

/** Refusal of new work because a scope is over its limit, paused or killed; carries the budget that says why. */
public final class BudgetExceededException extends LedgerException {
    private static final long serialVersionUID = 1L;

    private final transient Budget budget;

    public BudgetExceededException(String message, Budget budget) {
        super(ErrorCode.BUDGET_EXCEEDED, message, Map.of(), null);
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    public Budget budget() {
        return budget;
    }
}
