package dev.entourage.ledger;

/**
 * Tokens of one model call, counted the Anthropic way: {@code input} excludes cached tokens, cache
 * writes and reads come on top.
 *
 * @param cacheCreation1h the part of {@code cacheCreation} written to the 1-hour cache (priced higher)
 */
public record TokenCounts(long input, long output, long cacheCreation, long cacheCreation1h, long cacheRead) {
    /** The largest count accepted for one kind of token in one report. */
    public static final long MAX_TOKENS = 1_000_000_000L;

    public static final TokenCounts ZERO = new TokenCounts(0, 0, 0, 0, 0);

    public TokenCounts {
        check("input_tokens", input);
        check("output_tokens", output);
        check("cache_creation_input_tokens", cacheCreation);
        check("cache_creation_1h_input_tokens", cacheCreation1h);
        check("cache_read_input_tokens", cacheRead);
        if (cacheCreation1h > cacheCreation) {
            throw LedgerException.invalid("cache_creation_1h_input_tokens",
                    "must not exceed cache_creation_input_tokens, of which it is a part");
        }
    }

    private static void check(String field, long value) {
        if (value < 0) {
            throw LedgerException.invalid(field, "must not be negative");
        }
        if (value > MAX_TOKENS) {
            throw LedgerException.invalid(field, "must be at most " + MAX_TOKENS);
        }
    }

    public long total() {
        return input + output + cacheCreation + cacheRead;
    }
}
