package dev.entourage.ledger.pricing;

import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.TokenCounts;

/**
 * Each provider's token counts, turned into the one shape the engine prices: {@link TokenCounts}, counted the
 * Anthropic way (input excludes cache reads and writes, which come on top; output includes reasoning). This is
 * the one place each provider's semantics is stated.
 *
 * <ul>
 *   <li><b>Anthropic</b>: {@code usage.input_tokens} already excludes {@code cache_read_input_tokens} and
 *   {@code cache_creation_input_tokens}; the TTL split is {@code cache_creation.ephemeral_5m_input_tokens} /
 *   {@code ephemeral_1h_input_tokens}. 5-minute writes cost 1.25× input, 1-hour writes 2×, reads per model.</li>
 *   <li><b>OpenAI</b>: {@code prompt_tokens} (Responses: {@code input_tokens}) <em>includes</em>
 *   {@code cached_tokens} and, from GPT-5.6 on, {@code cache_write_tokens}; uncached input is
 *   prompt − cached − cache_write. Cache writes are priced by the row (the input price before GPT-5.6, 1.25×
 *   input from it); {@code completion_tokens} includes reasoning tokens.</li>
 *   <li><b>Gemini</b>: {@code promptTokenCount} <em>includes</em> {@code cachedContentTokenCount};
 *   {@code thoughtsTokenCount} comes on top of {@code candidatesTokenCount} and is billed as output. Gemini has
 *   no token price for cache writes (storage is billed per hour, outside this engine).</li>
 *   <li><b>DeepSeek</b>: {@code prompt_tokens} = {@code prompt_cache_hit_tokens} + {@code prompt_cache_miss_tokens};
 *   hits are priced at the row's cache-read (cache-hit) price, misses at input; there are no cache writes.</li>
 * </ul>
 *
 * <p>Counts that do not add up (a part larger than its whole) are refused naming the field, as bad input is.
 */
public final class ProviderUsage {
    private ProviderUsage() {
    }

    /** Anthropic's {@code usage}: the counts as they come, with the 5-minute and 1-hour writes apart. */
    public static TokenCounts anthropic(long inputTokens, long outputTokens, long cacheWrite5mTokens,
                                        long cacheWrite1hTokens, long cacheReadTokens) {
        return new TokenCounts(inputTokens, outputTokens, Math.addExact(cacheWrite5mTokens, cacheWrite1hTokens),
                cacheWrite1hTokens, cacheReadTokens);
    }

    /** OpenAI's {@code usage}: prompt (cached and cache writes included), cached, cache writes, completion. */
    public static TokenCounts openai(long promptTokens, long cachedTokens, long cacheWriteTokens,
                                     long completionTokens) {
        nonNegative("cached_tokens", cachedTokens);
        nonNegative("cache_write_tokens", cacheWriteTokens);
        long uncached = promptTokens - cachedTokens - cacheWriteTokens;
        if (uncached < 0) {
            throw LedgerException.invalid("prompt_tokens", "must include cached_tokens and cache_write_tokens");
        }
        return new TokenCounts(uncached, completionTokens, cacheWriteTokens, 0, cachedTokens);
    }

    /** Gemini's {@code usageMetadata}: prompt (cached included), cached, candidates, thoughts. */
    public static TokenCounts gemini(long promptTokenCount, long cachedContentTokenCount, long candidatesTokenCount,
                                     long thoughtsTokenCount) {
        nonNegative("cachedContentTokenCount", cachedContentTokenCount);
        nonNegative("thoughtsTokenCount", thoughtsTokenCount);
        nonNegative("candidatesTokenCount", candidatesTokenCount);
        if (cachedContentTokenCount > promptTokenCount) {
            throw LedgerException.invalid("promptTokenCount", "must include cachedContentTokenCount");
        }
        return new TokenCounts(promptTokenCount - cachedContentTokenCount,
                Math.addExact(candidatesTokenCount, thoughtsTokenCount), 0, 0, cachedContentTokenCount);
    }

    /** DeepSeek's {@code usage}: prompt (hits included), cache hits, completion. */
    public static TokenCounts deepseek(long promptTokens, long promptCacheHitTokens, long completionTokens) {
        nonNegative("prompt_cache_hit_tokens", promptCacheHitTokens);
        if (promptCacheHitTokens > promptTokens) {
            throw LedgerException.invalid("prompt_tokens", "must include prompt_cache_hit_tokens");
        }
        return new TokenCounts(promptTokens - promptCacheHitTokens, completionTokens, 0, 0, promptCacheHitTokens);
    }

    private static void nonNegative(String field, long value) {
        if (value < 0) {
            throw LedgerException.invalid(field, "must not be negative");
        }
    }
}
