package dev.entourage.ledger.pricing;

import java.util.Objects;

/**
 * A request-level tier: a request whose prompt (input + cache reads + cache writes) has more than
 * {@code aboveTokens} tokens is priced at {@code rates} for every token, not only those above the threshold.
 */
public record LongContextTier(long aboveTokens, ModelPrice rates) {
    public LongContextTier {
        Objects.requireNonNull(rates, "rates");
        if (aboveTokens <= 0) {
            throw new IllegalArgumentException("aboveTokens must be positive");
        }
    }
}
