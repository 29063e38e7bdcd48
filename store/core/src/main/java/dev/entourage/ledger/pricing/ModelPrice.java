package dev.entourage.ledger.pricing;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.TokenCounts;
import java.util.Objects;

/**
 * The price of one model, or of every model whose name starts with {@code id} when {@code prefix} is set.
 * Rates are micro-dollars per million tokens, so $3.00 per million tokens is {@code 3_000_000}.
 *
 * @param id                  the model name, or the start of model names when {@code prefix}
 * @param prefix              whether {@code id} matches every model name it starts
 * @param inputPerMtok        uncached input tokens
 * @param outputPerMtok       output tokens
 * @param cacheWrite5mPerMtok tokens written to the 5-minute cache
 * @param cacheWrite1hPerMtok tokens written to the 1-hour cache
 * @param cacheReadPerMtok    tokens read from the cache
 */
public record ModelPrice(String id, boolean prefix, long inputPerMtok, long outputPerMtok,
                         long cacheWrite5mPerMtok, long cacheWrite1hPerMtok, long cacheReadPerMtok) {
    /** The highest rate accepted: $1000 per million tokens. */
    public static final long MAX_RATE = 1_000_000_000L;

    private static final long TOKENS_PER_MTOK = 1_000_000L;

    public ModelPrice {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw LedgerException.invalid("price", "model id must not be blank");
        }
        checkRate(id, "input", inputPerMtok);
        checkRate(id, "output", outputPerMtok);
        checkRate(id, "cache_write_5m", cacheWrite5mPerMtok);
        checkRate(id, "cache_write_1h", cacheWrite1hPerMtok);
        checkRate(id, "cache_read", cacheReadPerMtok);
    }

    private static void checkRate(String id, String name, long rate) {
        if (rate < 0 || rate > MAX_RATE) {
            throw LedgerException.invalid("price",
                    id + ": " + name + " must be between 0 and " + MAX_RATE + " micro-dollars per million tokens");
        }
    }

    /**
     * The cost of {@code tokens} at these rates, in micro-dollars rounded half-up. Cache writes not in the
     * 1-hour cache are priced as 5-minute writes.
     */
    public long cost(TokenCounts tokens) {
        Objects.requireNonNull(tokens, "tokens");
        long cacheWrite5m = tokens.cacheCreation() - tokens.cacheCreation1h();
        long microTokens = 0;
        microTokens = Math.addExact(microTokens, Math.multiplyExact(tokens.input(), inputPerMtok));
        microTokens = Math.addExact(microTokens, Math.multiplyExact(tokens.output(), outputPerMtok));
        microTokens = Math.addExact(microTokens, Math.multiplyExact(cacheWrite5m, cacheWrite5mPerMtok));
        microTokens = Math.addExact(microTokens, Math.multiplyExact(tokens.cacheCreation1h(), cacheWrite1hPerMtok));
        microTokens = Math.addExact(microTokens, Math.multiplyExact(tokens.cacheRead(), cacheReadPerMtok));
        return Math.addExact(microTokens, TOKENS_PER_MTOK / 2) / TOKENS_PER_MTOK;
    }
}
