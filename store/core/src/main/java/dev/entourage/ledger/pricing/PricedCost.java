package dev.entourage.ledger.pricing;

import java.util.Objects;

/**
 * What a model call cost and the price it was computed with.
 *
 * @param costMicros the cost in micro-dollars
 * @param price      the price applied
 * @param estimated  whether the model was not in the table and the highest rates were applied instead
 */
public record PricedCost(long costMicros, ModelPrice price, boolean estimated) {
    public PricedCost {
        Objects.requireNonNull(price, "price");
        if (costMicros < 0) {
            throw new IllegalArgumentException("costMicros must not be negative");
        }
    }
}
