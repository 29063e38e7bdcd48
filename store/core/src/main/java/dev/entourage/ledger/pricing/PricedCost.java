package dev.entourage.ledger.pricing;

import java.util.Objects;

/**
 * What a model call cost and the price it was computed with.
 *
 * @param costMicros  the cost in micro-dollars
 * @param price       the rates applied, after the long-context tier and the multipliers: the price to store
 *                    with the event, so {@code price.cost(tokens) == costMicros}
 * @param estimated   whether the cost is a guess: the model has no price ({@code unpriced}), or the call asked
 *                    for a modifier the model's row has no price for and standard rates were applied
 * @param unpriced    whether the model matched no row and was priced by a family estimate or the default
 * @param explanation how the model id resolved and why; null only for costs made with the old constructor
 */
public record PricedCost(long costMicros, ModelPrice price, boolean estimated, boolean unpriced,
                         PriceExplanation explanation) {
    public PricedCost {
        Objects.requireNonNull(price, "price");
        if (costMicros < 0) {
            throw new IllegalArgumentException("costMicros must not be negative");
        }
        if (unpriced && !estimated) {
            throw new IllegalArgumentException("an unpriced cost is estimated");
        }
    }

    /** A cost without an explanation; {@code estimated} means unpriced, as it did before. */
    public PricedCost(long costMicros, ModelPrice price, boolean estimated) {
        this(costMicros, price, estimated, estimated, null);
    }
}
