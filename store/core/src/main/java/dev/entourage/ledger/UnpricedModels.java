package dev.entourage.ledger;

import dev.entourage.ledger.pricing.PriceRequest;
import dev.entourage.ledger.pricing.PriceTable;
import java.time.Instant;

/**
 * A team's {@code refuse_unpriced_models}: work on a model the price table has no row for (which would be priced
 * by its family's dearest row or the {@code @unknown} default, {@code cost_source "unpriced"}) is refused instead.
 * Checked inside the write transaction that would record the work, so nothing is written when it refuses.
 */
final class UnpricedModels {
    private UnpricedModels() {
    }

    /** Whether the table in force at {@code at} has no row for {@code model} (a null model has none). */
    static boolean unpriced(PriceTable prices, String model, Instant at) {
        return prices.price(PriceRequest.of(model, TokenCounts.ZERO).at(at)).unpriced();
    }

    /**
     * Refuses {@code model} for {@code team} when the team refuses unpriced models and the model has no price.
     *
     * @throws LedgerException {@code invalid_request} on field {@code model}
     */
    static void check(Team team, PriceTable prices, String model, Instant at) {
        if (team.refuseUnpricedModels() && unpriced(prices, model, at)) {
            throw LedgerException.invalid("model", (model == null ? "no model was named"
                    : "model '" + model + "' has no price in the price table")
                    + ", and team '" + team.name() + "' refuses unpriced models (refuse_unpriced_models); "
                    + "name a priced model (`entourage prices` lists them), send cost_usd, or add a row with "
                    + "--prices FILE");
        }
    }
}
