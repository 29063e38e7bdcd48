package dev.entourage.ledger;

import java.util.Objects;

/** The answer to a reservation that fit: the hold, and the budget with the hold counted. */
public record HoldReceipt(BudgetHold hold, Budget budget) {
    public HoldReceipt {
        Objects.requireNonNull(hold, "hold");
        Objects.requireNonNull(budget, "budget");
    }
}
