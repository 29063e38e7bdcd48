package dev.entourage.ledger.pricing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The cost of one request at one row version: the tier its prompt falls in, then its multipliers. */
final class PricingMath {
    private PricingMath() {
    }

    /** The multipliers {@code row} has: its provider's, less those it has {@code none} of, plus its own. */
    static Map<String, BigDecimal> modifiers(PriceBook book, PriceRow row) {
        Map<String, BigDecimal> all = new LinkedHashMap<>(book.providerModifiers().getOrDefault(row.provider(), Map.of()));
        row.without().forEach(all::remove);
        all.putAll(row.modifiers());
        return all;
    }

    static PricedCost cost(PriceBook book, ModelIds.Normalised id, PriceExplanation.Rule rule, PriceRow row,
                           PriceRequest request, List<String> notes, boolean unpriced) {
        LongContextTier tier = row.tierFor(request.promptTokens());
        ModelPrice rates = tier == null ? row.rates() : tier.rates();
        Map<String, BigDecimal> available = modifiers(book, row);
        BigDecimal product = BigDecimal.ONE;
        List<String> applied = new ArrayList<>();
        boolean estimated = unpriced;
        for (String key : request.modifierKeys()) {
            BigDecimal multiplier = available.get(key);
            if (multiplier == null) {
                notes.add("'" + key + "' has no price for " + row.id() + ": standard rates applied (estimated)");
                estimated = true;
            } else {
                product = product.multiply(multiplier);
                applied.add(key + " ×" + multiplier.stripTrailingZeros().toPlainString());
            }
        }
        ModelPrice effective = new ModelPrice(row.id(), row.match() != PriceRow.Match.EXACT,
                PriceRules.scale(rates.inputPerMtok(), product), PriceRules.scale(rates.outputPerMtok(), product),
                PriceRules.scale(rates.cacheWrite5mPerMtok(), product),
                PriceRules.scale(rates.cacheWrite1hPerMtok(), product),
                PriceRules.scale(rates.cacheReadPerMtok(), product));
        PriceExplanation explanation = new PriceExplanation(id, rule, row, row.provider(), tier, applied, notes,
                book.version());
        return new PricedCost(effective.cost(request.tokens()), effective, estimated, unpriced, explanation);
    }
}
