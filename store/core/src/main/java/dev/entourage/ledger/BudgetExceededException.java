package dev.entourage.ledger;

import java.util.Map;
import java.util.Objects;

/** Refusal of new work because a scope is over its limit, paused or killed; carries the budget that says why. */
public final class BudgetExceededException extends LedgerException {
    private static final long serialVersionUID = 1L;

    private final transient Budget budget;

    public BudgetExceededException(String message, Budget budget) {
        this(message, budget, Map.of());
    }

    /** @param details machine-readable extras, e.g. the {@code scope} a reservation would trip */
    public BudgetExceededException(String message, Budget budget, Map<String, Object> details) {
        super(ErrorCode.BUDGET_EXCEEDED, message, details, null);
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    public Budget budget() {
        return budget;
    }
}
